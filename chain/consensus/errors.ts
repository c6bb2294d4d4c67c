import { BaseError } from '../../shared/errors/index.ts'

/** Consensus inputs of the wrong shape or range (a bug or corrupt ledger in the caller). */
export class InvalidConsensusInputError extends BaseError {
  override name = 'InvalidConsensusInputError'
  constructor(reason: string) {
    super('consensus.invalid-input', 'Cannot run Yuma consensus on these inputs.', {
      details: reason,
      meta: { reason },
    })
  }
}

/** An emission split whose basis points do not add up to 10,000, or a negative amount. */
export class InvalidSplitError extends BaseError {
  override name = 'InvalidSplitError'
  constructor(reason: string) {
    super('consensus.invalid-split', 'Cannot split the round emission.', {
      details: reason,
      meta: { reason },
    })
  }
}
