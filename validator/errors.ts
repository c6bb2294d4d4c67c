import { BaseError } from '../shared/errors/index.ts'

/** A validator state file exists but cannot be read or does not parse. */
export class ValidatorStateError extends BaseError {
  override name = 'ValidatorStateError'
  constructor(path: string, reason: string, cause?: unknown) {
    super('validator.state', `The validator state file ${path} is unusable: ${reason}.`, {
      cause,
      details: 'Move the file away to start that round afresh (its commit, if any, will not be revealed).',
    })
  }
}

/** This hotkey is not in the subnet document's validator set, so its registration would be ignored. */
export class NotInValidatorSetError extends BaseError {
  override name = 'NotInValidatorSetError'
  constructor(hotkey: string, netuid: number) {
    super('validator.not-in-set', `Hotkey ${hotkey} is not a validator of subnet ${netuid}.`, {
      details: 'The subnet owner lists the validators in the subnet document; ask to be added (a rotation).',
    })
  }
}

/** A checkpoint the round needs could not be fetched or decoded. */
export class CheckpointUnavailableError extends BaseError {
  override name = 'CheckpointUnavailableError'
  constructor(cid: string, cause?: unknown) {
    super('validator.checkpoint-unavailable', `The checkpoint ${cid} could not be loaded.`, { cause })
  }
}

export { InvalidLedgerError } from '../chain/subnet/index.ts'
