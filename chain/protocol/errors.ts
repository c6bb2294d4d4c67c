import { BaseError } from '../../shared/errors/index.ts'

/** A record handed to `encodeRecord` that its own schema rejects (a bug in the caller). */
export class InvalidRecordError extends BaseError {
  override name = 'InvalidRecordError'
  constructor(reason: string) {
    super('protocol.invalid-record', 'This chain record does not follow the protocol schema.', {
      details: reason,
      meta: { reason },
    })
  }
}

/** Window lengths that do not fit in one round, or a bad tempo / genesis block. */
export class InvalidScheduleError extends BaseError {
  override name = 'InvalidScheduleError'
  constructor(reason: string) {
    super('protocol.invalid-schedule', 'The round schedule is not usable.', {
      details: reason,
      meta: { reason },
    })
  }
}

/** A block number before the subnet's first round, or not a block number at all. */
export class BlockOutOfRangeError extends BaseError {
  override name = 'BlockOutOfRangeError'
  constructor(block: number, genesisBlock: number) {
    super('protocol.block-out-of-range', `Block ${block} is not in any round.`, {
      details: `Rounds start at block ${genesisBlock}; block numbers are non-negative integers.`,
      meta: { block, genesisBlock },
    })
  }
}

/** An input of a commit hash (hotkey, CID, hex string, integer) that has the wrong form. */
export class InvalidHashInputError extends BaseError {
  override name = 'InvalidHashInputError'
  constructor(field: string, reason: string) {
    super('protocol.invalid-hash-input', `Cannot compute a commit hash: invalid ${field}.`, {
      details: reason,
      meta: { field, reason },
    })
  }
}
