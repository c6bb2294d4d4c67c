import type { Backend, BackendName } from '../shared/backend/index.ts'
import {
  compressDelta,
  decompressDelta,
  encodeDelta,
  encodeSnapshot,
  type SnapshotTensors,
  type TrainingProof,
} from '../shared/codec/index.ts'
import type { CrowdtrainConfig } from '../shared/config/index.ts'
import type { Logger } from '../shared/logger/index.ts'
import { type ShardPlan, shardTensors } from '../shared/shards/index.ts'
import type { Storage } from '../shared/storage/index.ts'
import type { Task } from '../shared/tasks/index.ts'
import type { NamedTensor } from '../shared/tensor.ts'
import { minerBatchSeed, type RebaseSource, type StepInfo, type TrainPool, trainShard } from '../shared/train/index.ts'
import { alignTensors, type TrainState } from './stateStore.ts'

/** The inputs of `produceDelta`. */
export type ProduceDeltaParameters = {
  task: Task
  config: CrowdtrainConfig
  /** θ_base, the whole model in spec order. */
  params: readonly NamedTensor[]
  plan: ShardPlan
  shard: number
  pages: readonly number[]
  hotkey: string
  round: number
  baseCid: string
  /**
   * The round whose settlement made θ_base (null: genesis). With pipelined rounds, when it is older
   * than the previous round, training starts from θ_base plus this miner's own delta of the previous
   * round (the eager start); undefined: always from θ_base.
   */
  baseRound?: number | null
  backend: Backend
  /** Worker threads to train on, data-parallel (absent: this thread; pagesAt always trains here). */
  trainPool?: TrainPool
  /** Residual and moments from earlier rounds; used only when they belong to this shard. */
  trainState?: TrainState
  storage: Storage
  logger: Logger
  onStep?: (info: StepInfo) => void
  /** Pages of inner step `step` instead of `pages` (adversarial miners only: first-batch-only). */
  pagesAt?: (step: number) => readonly number[]
  /** Changes the trained delta before compression (adversarial miners only: poison, noise). */
  transform?: (delta: NamedTensor[]) => NamedTensor[]
  signal?: AbortSignal
  /**
   * The checkpoint the delta will be scored at and land in, once it settles mid-training (pipelined
   * rounds): training moves onto it, keeping its progress, and the delta is taken from it.
   */
  rebase?: RebaseSource
}

/** The stored delta and the state to carry to the next round. */
export type ProduceDeltaReturnType = {
  cid: string
  bytes: number
  losses: number[]
  trainState: TrainState
  /** Dense float32 bytes of the shard over the encoded bytes. */
  ratio: number
  /** The delta file as stored. */
  encoded: Uint8Array
  /** Steps before which training moved onto a newer checkpoint (`rebase`). */
  rebasedAt: number[]
  /** The snapshots of the training (its proof), added and pinned like the delta. */
  proof: TrainingProof
}

/**
 * One round of a miner's work (docs/network.md step 1): train the shard H steps from θ_base with
 * the seed `seedBytes(hotkey, round)` and the moments of the previous round on the same shard,
 * compress with error feedback, encode as a delta file, add it to storage and pin it.
 */
export async function produceDelta(p: ProduceDeltaParameters): Promise<ProduceDeltaReturnType> {
  const carry = p.trainState?.shard === p.shard ? p.trainState : undefined
  if (p.trainState && !carry)
    p.logger.info('shard changed: residual and optimizer state start fresh', {
      from: p.trainState.shard,
      to: p.shard,
    })
  // Saved tensors come back in file order; trainShard wants the shard's order.
  const like = shardTensors(p.params, p.plan, p.shard)
  const m = carry ? alignTensors(carry.optimizer.m, like) : undefined
  const v = carry ? alignTensors(carry.optimizer.v, like) : undefined
  const optimizerState = carry && m && v ? { step: carry.optimizer.step, m, v } : undefined
  const start = eagerStart(p, carry, like)
  // The model the training moved onto, if any: it tells how much of the eager start's guess held.
  let movedOnto: readonly NamedTensor[] | undefined
  const rebase: RebaseSource | undefined =
    p.rebase &&
    ((step) => {
      const target = p.rebase?.(step)
      if (target) movedOnto = target
      return target
    })
  const inputs = {
    task: p.task,
    modelConfig: p.config.model,
    params: start,
    plan: p.plan,
    shard: p.shard,
    pages: p.pages,
    seed: minerBatchSeed(p.hotkey, p.round),
    train: p.config.train,
    // The network's one schedule: round r's steps are global steps r·H … r·H + H − 1.
    firstStep: p.round * p.config.train.innerSteps,
    optimizerState,
    onStep: p.onStep,
    signal: p.signal,
    rebase,
    snapshotEvery: p.config.proof.every,
  }
  const trained =
    p.trainPool && !p.pagesAt
      ? await p.trainPool.train({ ...inputs, config: p.config, backend: p.backend.name as BackendName })
      : await trainShard({
          ...{ ...inputs, pagesAt: p.pagesAt, backend: p.backend, logger: p.logger },
          // Pipelined rounds reveal and serve the previous round's delta while this one trains.
          yieldBetweenSteps: p.config.round.staleness > 0,
        })
  const proof = await storeProof(p, trained.snapshots ?? [], trained.rebasedAt)
  const delta = p.transform ? p.transform(trained.delta) : trained.delta
  const residual = carry ? alignTensors(carry.residual, delta) : undefined
  if (carry && !residual) p.logger.warn('saved residual does not fit the shard; dropped', { shard: p.shard })
  const { compressed, residual: nextResidual } = compressDelta(
    delta,
    residual,
    p.config.compress,
    p.config.compress.feedbackDecay,
  )
  const bytes = encodeDelta(compressed, {
    task: p.config.task.name,
    round: p.round,
    shard: p.shard,
    baseCid: p.baseCid,
    hotkey: p.hotkey,
    proof,
  })
  const cid = (await p.storage.add(bytes, { signal: p.signal })).toString()
  await p.storage.pin(cid, { signal: p.signal })
  const dense = trained.delta.reduce((n, t) => n + t.data.length * 4, 0)
  return {
    cid,
    bytes: bytes.length,
    losses: trained.losses,
    trainState: {
      shard: p.shard,
      residual: nextResidual,
      optimizer: trained.optimizerState,
      sent: { round: p.round, delta: decompressDelta(compressed) },
      ...eagerScaleAfter(p, carry, trained.rebasedAt.length > 0 ? movedOnto : undefined),
    },
    ratio: dense / bytes.length,
    encoded: bytes,
    rebasedAt: trained.rebasedAt,
    proof,
  }
}

/**
 * Adds and pins each snapshot of the training (docs/network.md "Proof of training"); the delta file
 * lists their CIDs, so the commit binds them. They stay pinned until the round settles.
 */
async function storeProof(
  p: Pick<ProduceDeltaParameters, 'storage' | 'signal' | 'config'>,
  snapshots: readonly SnapshotTensors[],
  rebasedAt: number[],
): Promise<TrainingProof> {
  const cids: string[] = []
  for (const s of snapshots) {
    const cid = (await p.storage.add(encodeSnapshot(s), { signal: p.signal })).toString()
    await p.storage.pin(cid, { signal: p.signal })
    cids.push(cid)
  }
  return { every: p.config.proof.every, snapshots: cids, rebasedAt }
}

/**
 * Where training starts (docs/network.md "Pipelined rounds"): θ_base, or — when rounds are
 * pipelined and θ_base lacks the previous round — θ_base + c·η·(this miner's delta of the previous
 * round, as sent), its best guess of the checkpoint its delta will land in (the "eager" outer step of
 * arXiv 2502.12996, with its own delta standing in for the average; c = the carried `eagerScale`,
 * 1 until a rebase measured it). Training from θ_base alone would learn round r − 1's progress a
 * second time, and the checkpoint would take it twice.
 */
export function eagerStart(
  p: Pick<ProduceDeltaParameters, 'params' | 'round' | 'baseRound' | 'config'>,
  carry: TrainState | undefined,
  like: readonly NamedTensor[],
): readonly NamedTensor[] {
  if (!eagerApplies(p, carry) || !carry?.sent) return p.params
  const sent = alignTensors(carry.sent.delta, like)
  if (!sent) return p.params
  const eta = p.config.outer.lr * (carry.eagerScale ?? 1)
  const byName = new Map(sent.map((t) => [t.name, t.data]))
  return p.params.map((t) => {
    const d = byName.get(t.name)
    if (!d) return t
    const data = new Float32Array(t.data.length)
    for (let i = 0; i < data.length; i++) data[i] = t.data[i] + eta * d[i]
    return { ...t, data }
  })
}

// Pipelined, the base lacks the previous round, and the miner holds its own delta of that round.
function eagerApplies(
  p: Pick<ProduceDeltaParameters, 'round' | 'baseRound' | 'config'>,
  carry: TrainState | undefined,
): boolean {
  if (p.baseRound === undefined || p.config.round.staleness === 0) return false
  return (p.baseRound ?? -1) < p.round - 1 && carry?.sent?.round === p.round - 1
}

/**
 * The eager start's scale for the next round: when this training moved onto the checkpoint that
 * settled the previous round, the share of the miner's own previous delta that the network's step
 * kept — the least-squares c in (θ_settled − θ_base) ≈ c·η·Δ_own over the shard, clamped to [0, 1]
 * (the network averages several miners' deltas, which agree only in part: docs/network.md "Eager
 * start"). Otherwise the carried scale, if any.
 */
export function eagerScaleAfter(
  p: Pick<ProduceDeltaParameters, 'params' | 'round' | 'baseRound' | 'config'>,
  carry: TrainState | undefined,
  movedOnto: readonly NamedTensor[] | undefined,
): { eagerScale?: number } {
  const kept = carry?.eagerScale === undefined ? {} : { eagerScale: carry.eagerScale }
  if (!movedOnto || !carry?.sent || !eagerApplies(p, carry)) return kept
  const base = new Map(p.params.map((t) => [t.name, t.data]))
  const settled = new Map(movedOnto.map((t) => [t.name, t.data]))
  let dot = 0
  let norm = 0
  for (const d of carry.sent.delta) {
    const from = base.get(d.name)
    const to = settled.get(d.name)
    if (!from || !to || from.length !== d.data.length || to.length !== d.data.length) return kept
    for (let i = 0; i < d.data.length; i++) {
      dot += (to[i] - from[i]) * d.data[i]
      norm += d.data[i] * d.data[i]
    }
  }
  const c = dot / (p.config.outer.lr * norm)
  return Number.isFinite(c) ? { eagerScale: Math.min(1, Math.max(0, c)) } : kept
}
