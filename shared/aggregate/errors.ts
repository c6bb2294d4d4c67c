import { BaseError } from '../errors/index.ts'

/** Tensors that should line up (same names, shapes, order) do not. */
export class TensorMismatchError extends BaseError {
  override name = 'TensorMismatchError'
  constructor(what: string, details: string) {
    super('aggregate.mismatch', `Cannot aggregate: ${what}.`, { details })
  }
}

/** An aggregation weight that is negative, non-finite, or a list of inputs that is not in uid order. */
export class InvalidAggregationInputError extends BaseError {
  override name = 'InvalidAggregationInputError'
  constructor(reason: string) {
    super('aggregate.invalid-input', `Invalid aggregation input: ${reason}.`)
  }
}
