/**
 * The first-batch check (README "Security", wrong-data): a miner's batch stream is public
 * (`batchStream(minerBatchSeed(hotkey, round))` over its assigned pages), and from fresh state the
 * first AdamW step moves every parameter by the learning rate times the sign of that batch's
 * gradient. The kept values of an honest delta therefore agree in sign with −∇L(first batch) far
 * more often than with −∇L of an unrelated batch; a delta trained on other pages does not.
 */
import type { Backend } from '../shared/backend/index.ts'
import type { CrowdtrainConfig } from '../shared/config/index.ts'
import { createRng, seedBytes } from '../shared/random.ts'
import type { ShardPlan } from '../shared/shards/index.ts'
import { type Batch, sampleBatch, type Task } from '../shared/tasks/index.ts'
import type { NamedTensor } from '../shared/tensor.ts'
import { batchStream, minerBatchSeed, shardGradient } from '../shared/train/index.ts'

/** Unrelated batches (drawn from the validator's eval pages) whose agreement sets the baseline. */
export const REFERENCE_BATCHES = 8

/**
 * Pass when the agreement with the miner's first batch exceeds the mean of the reference batches by
 * at least max(`minExcess`, `sigmas` binomial standard deviations of that mean over the kept values).
 * Measured (tiny preset, fresh rounds, 64 deltas each, genesis and after 5 rounds): honest excess
 * ≥ 0.12, wrong-data ≤ 0.09 with 133–210 kept values (3σ ≈ 0.09–0.11); default preset
 * (~4,400 kept values, 4 deltas each): honest ≥ 0.12, wrong-data ≤ 0.02.
 */
export const BATCH_CHECK = { minExcess: 0.05, sigmas: 3 } as const

/** What the check measured for one delta: sign agreements and the number of kept values. */
export type BatchCheck = {
  /** Share of the kept values whose sign is that of −∇L on the miner's first batch. */
  own: number
  /** Mean share over the reference batches. */
  reference: number
  /** Kept (nonzero) values of the delta. */
  kept: number
}

/**
 * The share of the delta's nonzero values whose sign is opposite to the gradient's (the direction a
 * descent step on that batch takes); 0 when the delta has no nonzero value. Tensors in the same order.
 */
export function signAgreement(
  delta: readonly Float32Array[],
  gradient: readonly Float32Array[],
): {
  share: number
  kept: number
} {
  let kept = 0
  let agree = 0
  for (let t = 0; t < delta.length; t++) {
    const d = delta[t]
    const g = gradient[t]
    for (let i = 0; i < d.length; i++) {
      if (d[i] === 0) continue
      kept++
      if ((d[i] > 0 && g[i] < 0) || (d[i] < 0 && g[i] > 0)) agree++
    }
  }
  return { share: kept === 0 ? 0 : agree / kept, kept }
}

/** The excess agreement a delta needs: max(minExcess, sigmas·√(p(1−p)/kept)) with p the reference share. */
export function requiredExcess(check: BatchCheck, options = BATCH_CHECK): number {
  const p = Math.min(Math.max(check.reference, 0), 1)
  const sd = check.kept > 0 ? Math.sqrt((p * (1 - p)) / check.kept) : 1
  return Math.max(options.minExcess, options.sigmas * sd)
}

/** True when the delta's agreement with its miner's first batch is far enough above the reference. */
export function passesBatchCheck(check: BatchCheck, options = BATCH_CHECK): boolean {
  return check.kept > 0 && check.own - check.reference >= requiredExcess(check, options)
}

/** The reason a miner reads when its delta fails the check. */
export function batchCheckReason(check: BatchCheck, options = BATCH_CHECK): string {
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`
  return (
    `wrong-data: ${pct(check.own)} of the ${check.kept} kept values have the sign of a descent step on the ` +
    `first batch of your assigned pages, ${pct(check.reference)} on unrelated batches; training on them gives ` +
    `at least ${pct(check.reference + requiredExcess(check, options))}`
  )
}

/** The first batch a miner trained on in `round` (the protocol's batch stream over its assigned pages). */
export function minerFirstBatch(
  task: Task,
  config: CrowdtrainConfig,
  hotkey: string,
  round: number,
  pages: readonly number[],
): Batch {
  return sampleBatch(task, pages, batchStream(minerBatchSeed(hotkey, round)), config.train.batch, config.model.context)
}

/**
 * `count` batches drawn like a miner's first batch (each window from a random page of `pool`: pages no
 * miner of the round was assigned), each from its own stream seeded by the round, its index and this
 * validator's eval pages, which miners do not know when they train.
 */
export function referenceBatches(
  task: Task,
  config: CrowdtrainConfig,
  pool: readonly number[],
  round: number,
  evalPages: readonly number[],
  count = REFERENCE_BATCHES,
): Batch[] {
  const salt = evalPages.join(',')
  return Array.from({ length: count }, (_, i) =>
    sampleBatch(
      task,
      pool,
      createRng(seedBytes('crowdtrain/reference-batch/v1', round, i, salt)),
      config.train.batch,
      config.model.context,
    ),
  )
}

/** The inputs of `createBatchChecker`. */
export type BatchCheckerParameters = {
  task: Task
  config: CrowdtrainConfig
  plan: ShardPlan
  backend: Backend
  round: number
  evalPages: readonly number[]
  /** Pages no miner of the round was assigned (`unassignedPages`): where reference windows come from. */
  referencePool: readonly number[]
}

/**
 * Measures deltas of one round: reference gradients are computed once per (base, shard), the
 * miner's first-batch gradient once per delta (one forward and backward pass each).
 */
export function createBatchChecker(p: BatchCheckerParameters) {
  const references = new Map<string, Float32Array[][]>()
  const gradientOf = (params: readonly NamedTensor[], shard: number, batch: Batch) =>
    shardGradient({
      task: p.task,
      modelConfig: p.config.model,
      params,
      plan: p.plan,
      shard,
      batch,
      backend: p.backend,
    })
  return async (input: {
    baseCid: string
    base: readonly NamedTensor[]
    shard: number
    hotkey: string
    pages: readonly number[]
    delta: readonly Float32Array[]
  }): Promise<BatchCheck> => {
    const key = `${input.baseCid}#${input.shard}`
    let refs = references.get(key)
    if (!refs) {
      refs = []
      for (const b of referenceBatches(p.task, p.config, p.referencePool, p.round, p.evalPages))
        refs.push(await gradientOf(input.base, input.shard, b))
      references.set(key, refs)
    }
    const first = minerFirstBatch(p.task, p.config, input.hotkey, p.round, input.pages)
    const own = signAgreement(input.delta, await gradientOf(input.base, input.shard, first))
    const shares = refs.map((g) => signAgreement(input.delta, g).share)
    const reference = shares.reduce((a, b) => a + b, 0) / Math.max(1, shares.length)
    return { own: own.share, reference, kept: own.kept }
  }
}
