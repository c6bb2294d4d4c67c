import type { Scalar, Tensor, Variable } from '@tensorflow/tfjs-core'
import type { Backend } from '../backend/index.ts'
import type { CrowdtrainConfig } from '../config/index.ts'
import { type Logger, silentLogger } from '../logger/index.ts'
import { checkParams, createModel, type ModelConfig, modelLoss, type Weights } from '../model/index.ts'
import { createRng, type Rng, type Seed, seedBytes } from '../random.ts'
import { checkShardIndex, type ShardPlan } from '../shards/index.ts'
import { type Batch, sampleBatch, type Task } from '../tasks/index.ts'
import type { NamedTensor } from '../tensor.ts'
import { type AdamSlot, adamwUpdate, clipByGlobalNorm, type OptimizerState } from './adamw.ts'
import { TrainingAbortedError, TrainingDivergedError } from './errors.ts'
import { createHostAdamw, type HostAdamw } from './hostAdamw.ts'
import { type RebaseSource, replaceFrozen, shiftLocal } from './rebase.ts'
import { type Replica, sliceBatch } from './replicas.ts'
import { learningRate, roundSchedule } from './schedule.ts'

/** What one inner step reports. */
export type StepInfo = { step: number; steps: number; loss: number; lr: number; gradNorm: number }

export type TrainShardParameters = {
  task: Task
  modelConfig: ModelConfig
  /** θ_base: the full model, in spec order. Never modified. */
  params: readonly NamedTensor[]
  plan: ShardPlan
  /** Index of the shard to train; every other tensor stays frozen. */
  shard: number
  /** Pages the batches are drawn from (the miner's assigned pages). */
  pages: readonly number[]
  /** Pages of inner step `step` when they are not `pages` (adversarial miners only: first-batch-only). */
  pagesAt?: (step: number) => readonly number[]
  /** Seeds the batch stream, e.g. seedBytes(hotkey, round): the same seed gives the same delta. */
  seed: Seed
  train: CrowdtrainConfig['train']
  backend: Backend
  /** Global index of the first step in the learning-rate schedule (round·H for a miner); 0 by default. */
  firstStep?: number
  /** Moments from the previous round on the same shard; ignored (fresh start) if they do not match. */
  optimizerState?: OptimizerState
  logger?: Logger
  onStep?: (info: StepInfo) => void
  signal?: AbortSignal
  /** Data-parallel training (createTrainPool's workers): train this slice of every batch, sum gradients with the others. */
  replica?: Replica
  /** Give the event loop a turn between steps (a pipelined miner reveals and serves its delta while it trains); default false. */
  yieldBetweenSteps?: boolean
  /** A newer checkpoint to move onto mid-way (pipelined rounds); the delta is then taken from it. */
  rebase?: RebaseSource
  /**
   * Record the shard's state before every step that is a multiple of this (after a rebase at that
   * step) and after the last step: the snapshots a miner publishes as its proof of training.
   */
  snapshotEvery?: number
  /**
   * Start from a recorded state instead of θ_base's values and fresh or carried moments (a validator
   * replaying one segment of a miner's training): the steps before `resume.step` only draw their
   * batches. θ_base (`params`) still gives the frozen tensors and the values a rebase moves from.
   */
  resume?: TrainSnapshot
  /** Stop before this step (default: train.innerSteps). */
  until?: number
}

/** The trained tensors' values and AdamW moments before inner step `step`, after `t` updates in all. */
export type TrainSnapshot = {
  step: number
  t: number
  values: NamedTensor[]
  m: NamedTensor[]
  v: NamedTensor[]
}

export type TrainShardReturnType = {
  /** θ_local − θ_base for shard k's tensors only, in model order, float32 (θ_base: the last rebase's model, if any). */
  delta: NamedTensor[]
  /** The steps before which the training moved onto a newer base (`rebase`). */
  rebasedAt: number[]
  /** The training loss of every step, before its update. */
  losses: number[]
  optimizerState: OptimizerState
  /** Tokens (examples for classification) the steps consumed. */
  tokens: number
  /** The states `snapshotEvery` asked for, by step (absent without it). */
  snapshots?: TrainSnapshot[]
}

/**
 * The generator of a miner's batch stream: `createRng(seedBytes('crowdtrain:batches', seed))`, then one
 * `sampleBatch` per inner step. PROTOCOL: validators replay it to find the windows a miner trained on.
 */
export function batchStream(seed: Seed): Rng {
  return createRng(seedBytes('crowdtrain:batches', seed))
}

/** The seed of a miner's batch stream in a round (docs/network.md step 1). PROTOCOL. */
export function minerBatchSeed(hotkey: string, round: number): Uint8Array {
  return seedBytes(hotkey, round)
}

/** True when saved moments fit these tensors (same names and sizes). */
function stateFits(state: OptimizerState | undefined, base: readonly NamedTensor[]): state is OptimizerState {
  if (!state || state.m.length !== base.length || state.v.length !== base.length) return false
  return base.every(
    (t, i) =>
      state.m[i].name === t.name &&
      state.v[i].name === t.name &&
      state.m[i].data.length === t.data.length &&
      state.v[i].data.length === t.data.length,
  )
}

/**
 * Trains shard k of the model for train.innerSteps AdamW steps from θ_base on batches drawn from
 * `pages`, and returns the shard's delta. Deterministic: the same inputs and seed on the same
 * backend give bit-identical deltas.
 */
export async function trainShard(p: TrainShardParameters): Promise<TrainShardReturnType> {
  const { tf } = p.backend
  const logger = p.logger ?? silentLogger
  const spec = createModel(p.task, p.modelConfig)
  checkParams(spec, p.params)
  checkShardIndex(p.plan, p.shard)
  const inShard = new Set(p.plan.shards[p.shard].names)
  // The shard's base values: what the delta is taken from (moved by a rebase).
  let base = p.params.filter((t) => inShard.has(t.name))
  const decay = new Map(spec.params.map((s) => [s.name, s.decay]))
  const resumed = p.resume && { step: p.resume.t, m: p.resume.m, v: p.resume.v }
  if (p.resume && (!stateFits(resumed, base) || !stateFits({ ...resumed!, m: p.resume.values }, base)))
    throw new RangeError('the state to resume from does not fit the shard (names or sizes differ)')
  const state = resumed ?? (stateFits(p.optimizerState, base) ? p.optimizerState : undefined)
  const start = p.resume?.values ?? base
  if (p.optimizerState && !state)
    logger.info('optimizer state does not fit this shard; starting fresh', { shard: p.shard })

  // Frozen tensors are constants: autograd computes nothing for them.
  const weights: Weights = {}
  const slots: AdamSlot[] = []
  const owned: Tensor[] = []
  for (const t of p.params) {
    if (!inShard.has(t.name)) {
      weights[t.name] = tf.tensor(t.data, t.shape, 'float32')
      owned.push(weights[t.name])
      continue
    }
    const j = slots.length
    // tidy disposes the initial values; variables survive it.
    const [param, m, v] = tf.tidy(() => [
      tf.variable(tf.tensor(start[j].data, t.shape, 'float32'), true),
      tf.variable(state ? tf.tensor(state.m[j].data, t.shape, 'float32') : tf.zeros(t.shape), false),
      tf.variable(state ? tf.tensor(state.v[j].data, t.shape, 'float32') : tf.zeros(t.shape), false),
    ])
    weights[t.name] = param
    slots.push({ name: t.name, param, m, v, decay: decay.get(t.name) ?? false })
  }
  // Data-parallel workers: moments and the update on the CPU's arrays (hostAdamw.ts), parameters uploaded.
  const host = p.replica
    ? createHostAdamw({
        cfg: p.train,
        params: start,
        decay: slots.map((s) => s.decay),
        m: state?.m,
        v: state?.v,
      })
    : undefined
  const vars = slots.map((s) => s.param)
  const gradients = (b: Batch, scale: number) =>
    tf.variableGrads(() => {
      const loss = modelLoss(tf, spec, weights, b)
      return scale === 1 ? loss : (tf.mul(loss, scale) as Scalar)
    }, vars)

  const localStep = async (b: Batch, lr: number, step: number) => {
    const out = tf.tidy(() => {
      // 3. loss and gradients of the shard's variables only.
      const { value, grads } = gradients(b, 1)
      // 4. clip the global gradient norm.
      const clipped = clipByGlobalNorm(
        tf,
        vars.map((v) => grads[v.name]),
        p.train.clip,
      )
      // 5. AdamW update of parameters and moments.
      adamwUpdate(tf, p.train, slots, clipped.grads, lr, step)
      return tf.stack([value, clipped.norm])
    })
    // 6. one read back per step: the loss and the gradient norm before clipping.
    const [loss, gradNorm] = await out.data()
    out.dispose()
    return { loss, gradNorm }
  }

  const replicaStep = (h: HostAdamw, replica: Replica, b: Batch, lr: number, step: number) => {
    // 3. this worker's slice: its loss weighted by its share of the rows, so the slices' gradients add up.
    const mine = sliceBatch(b, replica.part, replica.parts)
    const { value, grads } = tf.tidy(() => gradients(mine, mine.B / b.B))
    const parts = vars.map((v) => grads[v.name].dataSync() as Float32Array)
    const partLoss = (value.dataSync() as Float32Array)[0]
    tf.dispose([value, ...Object.values(grads)])
    // 4–5. the batch's gradients, summed over the workers; clipping and AdamW as above.
    const summed = replica.exchange(parts, partLoss)
    // 5. each replica updates its range of the values, then they swap ranges.
    const gradNorm = h.step(summed.sum, lr, step, replica.range.from, replica.range.to)
    replica.shareUpdate(h.params, h.m, h.v)
    for (const [i, s] of slots.entries())
      tf.tidy(() => s.param.assign(tf.tensor(h.params[i], s.param.shape, 'float32')))
    return { loss: summed.loss, gradNorm }
  }

  // Onto a newer base: frozen tensors replaced, the shard moved by (new − old base), progress kept.
  let current: readonly NamedTensor[] = p.params
  const rebasedAt: number[] = []
  const rebase = async (step: number) => {
    const target = p.rebase?.(step)
    if (!target || target === current) return
    checkParams(spec, target)
    const byName = new Map(target.map((t) => [t.name, t]))
    replaceFrozen(tf, weights, owned, byName, inShard)
    const next = slots.map((s) => byName.get(s.name) as NamedTensor)
    for (const [i, s] of slots.entries()) {
      // An asynchronous read: webgpu in Node has no synchronous one (it needs OffscreenCanvas).
      const local = host ? host.params[i] : new Float32Array((await s.param.data()) as Float32Array)
      shiftLocal(local, base[i].data, next[i].data)
      tf.tidy(() => s.param.assign(tf.tensor(local, s.param.shape, 'float32')))
    }
    base = next
    current = target
    rebasedAt.push(step)
    logger.debug('moved onto a newer base', { step })
  }

  const rng = batchStream(p.seed)
  const { innerSteps: H, batch } = p.train
  const until = Math.min(H, p.until ?? H)
  const context = p.modelConfig.context
  const losses: number[] = []
  let t = state?.step ?? 0
  const schedule = roundSchedule(p.train)
  const firstStep = p.firstStep ?? 0
  const snapshots: TrainSnapshot[] = []
  const every = p.snapshotEvery
  const snap = async (step: number) => {
    if (every && (step % every === 0 || step === until)) snapshots.push(await snapshot(slots, step, t, host))
  }
  // A replay starts later in the stream: the earlier steps' batches are drawn and dropped.
  const from = p.resume?.step ?? 0
  for (let step = 0; step < from; step++) sampleBatch(p.task, p.pagesAt?.(step) ?? p.pages, rng, batch, context)
  try {
    for (let step = from; step < until; step++) {
      const stepStarted = performance.now()
      if (p.signal?.aborted) throw new TrainingAbortedError(step, H, p.signal.reason)
      await rebase(step)
      await snap(step)
      // 1. learning rate of this step: warm-up, then cosine over the network's global steps.
      const lr = learningRate(schedule, firstStep + step)
      // 2. the batch, from the seeded stream: the same seed gives the same batches.
      const b = sampleBatch(p.task, p.pagesAt?.(step) ?? p.pages, rng, batch, context)
      t += 1
      // 3–6: loss, gradients, clipping and the AdamW update; the loss and the norm before clipping.
      const { loss, gradNorm } = host && p.replica ? replicaStep(host, p.replica, b, lr, t) : await localStep(b, lr, t)
      if (!Number.isFinite(loss)) throw new TrainingDivergedError(step, loss)
      losses.push(loss)
      p.onStep?.({ step, steps: H, loss, lr, gradNorm })
      logger.debug('inner step', { step, loss, lr, gradNorm })
      // Between two steps the process answers its network (a pipelined miner reveals while it trains).
      if (p.yieldBetweenSteps) await yieldToEventLoop(performance.now() - stepStarted)
    }
    // A replay that stops where the training moved on records the state after the move, as the training did.
    if (until < H) await rebase(until)
    await snap(until)
    const tokens = (until - from) * batch * (p.task.kind === 'lm' ? context : 1)
    return { ...(await collect(slots, base, losses, t, tokens, host)), rebasedAt, ...(every ? { snapshots } : {}) }
  } finally {
    for (const x of owned) x.dispose()
    for (const s of slots) for (const v of [s.param, s.m, s.v] as Variable[]) v.dispose()
  }
}

/** A copy of the trained tensors' values and moments as they are now. */
async function snapshot(slots: AdamSlot[], step: number, t: number, host?: HostAdamw): Promise<TrainSnapshot> {
  const read = async (i: number, which: 'param' | 'm' | 'v') => {
    const s = slots[i]
    const data = host
      ? new Float32Array(host[which === 'param' ? 'params' : which][i])
      : new Float32Array((await s[which].data()) as Float32Array)
    return { name: s.name, shape: [...s.param.shape], data }
  }
  const all = (which: 'param' | 'm' | 'v') => Promise.all(slots.map((_, i) => read(i, which)))
  return { step, t, values: await all('param'), m: await all('m'), v: await all('v') }
}

/** Reads the trained shard back: delta = θ_local − θ_base (float32), and the moments. */
async function collect(
  slots: AdamSlot[],
  base: readonly NamedTensor[],
  losses: number[],
  step: number,
  tokens: number,
  host?: HostAdamw,
): Promise<Omit<TrainShardReturnType, 'rebasedAt' | 'snapshots'>> {
  const delta: NamedTensor[] = []
  const m: NamedTensor[] = []
  const v: NamedTensor[] = []
  for (const [i, s] of slots.entries()) {
    const local = (await s.param.data()) as Float32Array
    const d = new Float32Array(local.length)
    const b = base[i].data
    // Each difference of two float32 values is rounded once to float32 on store.
    for (let j = 0; j < d.length; j++) d[j] = local[j] - b[j]
    delta.push({ name: s.name, shape: [...base[i].shape], data: d })
    const mi = host ? host.m[i] : ((await s.m.data()) as Float32Array)
    const vi = host ? host.v[i] : ((await s.v.data()) as Float32Array)
    m.push({ name: s.name, shape: [...base[i].shape], data: new Float32Array(mi) })
    v.push({ name: s.name, shape: [...base[i].shape], data: new Float32Array(vi) })
  }
  return { delta, losses, optimizerState: { step, m, v }, tokens }
}

/**
 * Between two steps, the event loop runs for a while: a pipelined miner trains while validators
 * fetch its delta over bitswap and its reveal goes out, and each of those exchanges needs several
 * turns of the loop (socket, file read, socket). One `setImmediate` allowed a single turn per step,
 * and a fetch then took as long as the training (20–30 s). The loop gets 10 ms, or 5 % of the step
 * just taken when the machine is slower or busier (at most 250 ms): ~1 % of a default-model step on
 * a quiet CPU. Training results do not depend on it.
 */
function yieldToEventLoop(stepMs: number): Promise<void> {
  const ms = Math.min(250, Math.max(10, stepMs * 0.05))
  return new Promise((resolve) => setTimeout(resolve, ms))
}
