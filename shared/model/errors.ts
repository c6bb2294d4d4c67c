import { BaseError } from '../errors/index.ts'

/** A model config that cannot build a model for the task (heads not dividing width, …). */
export class InvalidModelConfigError extends BaseError {
  override name = 'InvalidModelConfigError'
  constructor(problem: string, fix: string, meta: Record<string, unknown> = {}) {
    super('model.invalid-config', `Invalid model config: ${problem}`, { details: fix, meta })
  }
}

/** Parameters handed to a model do not match its spec (missing, extra, or misshapen tensors). */
export class ParamMismatchError extends BaseError {
  override name = 'ParamMismatchError'
  constructor(problem: string, meta: Record<string, unknown> = {}) {
    super('model.param-mismatch', `Parameters do not match the model: ${problem}`, {
      details: 'The tensors must come from the same task and model config (names, order and shapes).',
      meta,
    })
  }
}
