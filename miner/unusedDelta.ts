import { axpy } from '../shared/aggregate/index.ts'
import type { CheckpointManifest } from '../shared/checkpoint/index.ts'
import { decodeDelta, revealedDeltaExpect } from '../shared/codec/index.ts'
import { describeError } from '../shared/errors/index.ts'
import type { NamedTensor } from '../shared/tensor.ts'
import type { MinerContext } from './minerContext.ts'
import { alignTensors, type TrainState, withTrainFile } from './stateStore.ts'

/**
 * The training state with a sent delta added back into its residual. Error feedback subtracts what a
 * delta sends from the residual; when no checkpoint used the delta (refused, or out of the top G), that
 * part of the miner's training would be lost, so it goes back and is sent again in a later round.
 * Undefined when the delta does not fit the state's tensors.
 */
export function withUnusedDelta(state: TrainState, delta: readonly NamedTensor[]): TrainState | undefined {
  const d = alignTensors(delta, state.residual)
  if (!d) return undefined
  const residual = state.residual.map((t, i) => {
    const out = new Float32Array(t.data)
    axpy(out, 1, d[i].data)
    return { name: t.name, shape: [...t.shape], data: out }
  })
  return { ...state, residual }
}

/**
 * When the checkpoint of round `manifest.round` did not use this miner's delta of that round, adds the
 * delta back into the residual of its shard (once; the state entry remembers it). Runs before training
 * on that checkpoint. A failure only costs the unsent part: it is logged, never thrown.
 */
export async function restoreUnusedDelta(ctx: MinerContext, manifest: CheckpointManifest): Promise<void> {
  const { state, store } = ctx
  const entry = state.rounds.find((e) => e.round === manifest.round)
  if (!entry || entry.restored || manifest.deltas.some((d) => d.cid === entry.cid)) return
  const ref = state.trains?.find((t) => t.shard === entry.shard && t.round === entry.round)
  if (!ref) return
  try {
    const train = await store.loadTrain(state, entry.shard)
    const shard = ctx.plan.shards[entry.shard]
    if (!train || !shard) return
    const shapeOf = new Map(ctx.spec.params.map((s) => [s.name, s.shape]))
    const expect = revealedDeltaExpect({
      shapes: shard.names.map((name) => ({ name, shape: shapeOf.get(name) ?? [] })),
      config: ctx.view.config,
      round: entry.round,
      shard: entry.shard,
      hotkey: ctx.pair.address,
    })
    const bytes = await ctx.storage.get(entry.cid, { maxBytes: expect.maxBytes, timeoutMs: 30_000, signal: ctx.signal })
    const next = withUnusedDelta(train, decodeDelta(bytes, expect).delta)
    if (!next) return
    const file = await store.saveTrain(entry.round, next)
    entry.restored = true
    state.trains = withTrainFile(state, { file, shard: entry.shard, round: entry.round }).trains
    await store.save(state)
    ctx.log.info('delta not used by the checkpoint: its values go back into the residual', {
      round: entry.round,
      shard: entry.shard,
      cid: entry.cid,
    })
  } catch (err) {
    if (ctx.signal.aborted) throw err
    ctx.log.warn('unused delta not restored to the residual', { round: entry.round, reason: describeError(err) })
  }
}
