import { BaseError } from '../errors/index.ts'

/** A checkpoint (its files or its manifest) that does not parse or does not fit the subnet's model. */
export class InvalidCheckpointError extends BaseError {
  override name = 'InvalidCheckpointError'
  constructor(reason: string, cause?: unknown) {
    super('checkpoint.invalid', `The checkpoint is invalid: ${reason}.`, { cause })
  }
}

/** A checkpoint file larger than the reader allows. */
export class CheckpointTooLargeError extends BaseError {
  override name = 'CheckpointTooLargeError'
  constructor(file: string, bytes: number, maxBytes: number) {
    super('checkpoint.too-large', `The checkpoint file ${file} is ${bytes} bytes; at most ${maxBytes} are accepted.`, {
      meta: { file, bytes, maxBytes },
    })
  }
}

/** Arguments to build a checkpoint that cannot make a valid one (wrong tensors, a bad delta list). */
export class InvalidCheckpointInputError extends BaseError {
  override name = 'InvalidCheckpointInputError'
  constructor(reason: string, cause?: unknown) {
    super('checkpoint.invalid-input', `Cannot build the checkpoint: ${reason}.`, { cause })
  }
}
