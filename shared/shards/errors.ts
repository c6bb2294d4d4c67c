import { BaseError } from '../errors/index.ts'

/** A shard index outside [0, S), or a shard count the model cannot be cut into. */
export class ShardOutOfRangeError extends BaseError {
  override name = 'ShardOutOfRangeError'
  constructor(problem: string, fix: string, meta: Record<string, unknown> = {}) {
    super('shards.out-of-range', problem, { details: fix, meta })
  }
}

/** Tensors handed in do not match the shard plan (a name the plan does not know, or one missing). */
export class ShardPlanMismatchError extends BaseError {
  override name = 'ShardPlanMismatchError'
  constructor(problem: string, meta: Record<string, unknown> = {}) {
    super('shards.plan-mismatch', `Tensors do not match the shard plan: ${problem}`, {
      details: 'The plan and the tensors must come from the same model.',
      meta,
    })
  }
}
