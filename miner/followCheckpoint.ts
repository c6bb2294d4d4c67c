import { outerStep } from '../shared/aggregate/index.ts'
import {
  buildCheckpointFiles,
  CHECKPOINT_FILES,
  loadCheckpoint,
  MAX_MANIFEST_BYTES,
  type ParsedCheckpoint,
  parseManifest,
} from '../shared/checkpoint/index.ts'
import { decodeDelta, revealedDeltaExpect } from '../shared/codec/index.ts'
import type { CrowdtrainConfig } from '../shared/config/index.ts'
import { describeError } from '../shared/errors/index.ts'
import type { Logger } from '../shared/logger/index.ts'
import { type ShardPlan, shardTensors } from '../shared/shards/index.ts'
import { createMemoryStorage, type Storage } from '../shared/storage/index.ts'
import type { Task } from '../shared/tasks/index.ts'
import type { NamedTensor } from '../shared/tensor.ts'

// A checkpoint of a small CPU model is a few MB; a slow peer still gets two minutes.
export const CHECKPOINT_TIMEOUT_MS = 120_000

/** A checkpoint the miner holds: its CID, manifest, θ and outer momentum. */
export type HeldCheckpoint = ParsedCheckpoint & { cid: string }

/** How the miner got a checkpoint, and what it downloaded for it. */
export type CheckpointSource = {
  how: 'held' | 'deltas' | 'download'
  /** Bytes fetched from IPFS: the manifest and the accepted deltas, or the whole directory. */
  bytes: number
  /** Deltas applied (`deltas`). */
  deltas?: number
  /** Why the miner downloaded the whole checkpoint (`download`). */
  reason?: string
}

/** The inputs of `createCheckpointFollower`. */
export type CheckpointFollowerParameters = {
  storage: Pick<Storage, 'ls' | 'get' | 'getFile'>
  config: CrowdtrainConfig
  task: Task
  plan: ShardPlan
  timeoutMs: number
  logger: Logger
}

/**
 * The miner's copy of the network's model (docs/network.md, "Miners follow from deltas"). Asked for
 * checkpoint B whose parent is the checkpoint it holds, it fetches B's manifest and the accepted deltas
 * the manifest lists, decodes them strictly, applies the outer step with the manifest's normalised
 * weights (`outerStep`, the validators' own aggregation, bit for bit), rebuilds B's three files and
 * checks that their directory CID is B. Only when it holds no checkpoint (joining, restarted), when B
 * is not a child of the one it holds (it fell behind), or when anything fails, does it download B
 * whole — and it says why.
 */
export function createCheckpointFollower(p: CheckpointFollowerParameters) {
  const log = p.logger.forComponent('miner:follow')
  let held: HeldCheckpoint | undefined
  const options = { config: p.config, task: p.task, timeoutMs: p.timeoutMs }

  async function fromDeltas(
    from: HeldCheckpoint,
    cid: string,
    signal?: AbortSignal,
  ): Promise<{ checkpoint: HeldCheckpoint; bytes: number } | { reason: string }> {
    const manifestBytes = await p.storage.getFile(cid, CHECKPOINT_FILES.manifest, {
      maxBytes: MAX_MANIFEST_BYTES,
      timeoutMs: p.timeoutMs,
      signal,
    })
    const manifest = parseManifest(manifestBytes, options)
    if (manifest.parent !== from.cid)
      return { reason: `its parent is ${manifest.parent ?? 'none'}, not the checkpoint this miner holds (${from.cid})` }
    let bytes = manifestBytes.length
    const shapeOf = new Map(from.params.map((t) => [t.name, t.shape]))
    const deltas = new Map<number, { uid: number; weight: number; delta: NamedTensor[] }[]>()
    for (const d of manifest.deltas) {
      const shard = p.plan.shards[d.shard]
      if (!shard) return { reason: `delta of uid ${d.uid} names shard ${d.shard}, not in the plan` }
      const expect = revealedDeltaExpect({
        shapes: shard.names.map((name) => ({ name, shape: shapeOf.get(name) ?? [] })),
        config: p.config,
        round: manifest.round,
        shard: d.shard,
        hotkey: d.hotkey,
      })
      const file = await p.storage.get(d.cid, { maxBytes: expect.maxBytes, timeoutMs: p.timeoutMs, signal })
      bytes += file.length
      const decoded = decodeDelta(file, expect)
      deltas.set(d.shard, [...(deltas.get(d.shard) ?? []), { uid: d.uid, weight: d.weight, delta: decoded.delta }])
    }
    const next = new Map<string, { param: NamedTensor; momentum: NamedTensor }>()
    for (const shard of p.plan.shards) {
      const step = outerStep({
        params: shardTensors(from.params, p.plan, shard.index),
        momentum: shardTensors(from.momentum, p.plan, shard.index),
        deltas: deltas.get(shard.index) ?? [],
        lr: p.config.outer.lr,
        momentumCoef: p.config.outer.momentum,
        clipNorm: p.config.outer.clipNorm,
      })
      for (const [i, t] of step.params.entries()) next.set(t.name, { param: t, momentum: step.momentum[i] })
    }
    const params = from.params.map((t) => next.get(t.name)!.param)
    const momentum = from.params.map((t) => next.get(t.name)!.momentum)
    const files = buildCheckpointFiles({
      task: p.task,
      config: p.config,
      netuid: manifest.created.netuid,
      round: manifest.round,
      parent: manifest.parent,
      params,
      momentum,
      deltas: manifest.deltas,
      reportLoss: manifest.reportLoss,
    })
    const rebuilt = (await createMemoryStorage().add(files)).toString()
    if (rebuilt !== cid) return { reason: `the checkpoint rebuilt from its deltas has CID ${rebuilt}, not ${cid}` }
    return { checkpoint: { manifest, params, momentum, cid }, bytes }
  }

  return {
    /** Checkpoint `cid`: the one held, rebuilt from its parent and deltas, or downloaded whole. */
    async get(cid: string, signal?: AbortSignal): Promise<{ checkpoint: HeldCheckpoint; source: CheckpointSource }> {
      if (held?.cid === cid) return { checkpoint: held, source: { how: 'held', bytes: 0 } }
      let reason = 'this miner holds no checkpoint yet (it joined or restarted)'
      if (held) {
        try {
          const out = await fromDeltas(held, cid, signal)
          if ('checkpoint' in out) {
            held = out.checkpoint
            const source: CheckpointSource = {
              how: 'deltas',
              bytes: out.bytes,
              deltas: out.checkpoint.manifest.deltas.length,
            }
            log.info('checkpoint rebuilt from its deltas', { cid, round: out.checkpoint.manifest.round, ...source })
            return { checkpoint: out.checkpoint, source }
          }
          reason = out.reason
        } catch (err) {
          if (signal?.aborted) throw err
          reason = describeError(err)
        }
      }
      const { bytes, ...checkpoint } = await loadCheckpoint(p.storage, cid, { ...options, signal })
      held = checkpoint
      const source: CheckpointSource = { how: 'download', bytes, reason }
      log.info('checkpoint downloaded', { cid, round: checkpoint.manifest.round, ...source })
      return { checkpoint, source }
    },
  }
}

/** A miner's checkpoint follower. */
export type CheckpointFollower = ReturnType<typeof createCheckpointFollower>
