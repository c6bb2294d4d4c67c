import { BaseError } from '../errors/index.ts'

/**
 * Every failure of the codec: bytes from outside (a miner's delta, a checkpoint from IPFS) that do
 * not decode, or a bad argument to an encoder. A validator that catches a `CodecError` scores the
 * delta zero and records `shortMessage` as the reason.
 */
export class CodecError extends BaseError {
  override name = 'CodecError'
}

/** The bytes end before the header or the tensor data they announce. */
export class TruncatedError extends CodecError {
  override name = 'TruncatedError'
  constructor(what: string, need: number, have: number) {
    super('codec.truncated', `The file is truncated: ${what} needs ${need} bytes, only ${have} are there.`, {
      meta: { need, have },
    })
  }
}

/** The announced JSON header is longer than the cap (or than any sane header). */
export class HeaderTooLongError extends CodecError {
  override name = 'HeaderTooLongError'
  constructor(length: bigint | number, cap: number) {
    super('codec.header-too-long', `The safetensors header claims ${length} bytes; at most ${cap} are allowed.`, {
      meta: { length: String(length), cap },
    })
  }
}

/** The header is not UTF-8 JSON of the safetensors form. */
export class BadHeaderJsonError extends CodecError {
  override name = 'BadHeaderJsonError'
  constructor(reason: string, cause?: unknown) {
    super('codec.bad-header', `The safetensors header is malformed: ${reason}.`, { cause })
  }
}

/** A dtype the safetensors format does not define. */
export class UnknownDtypeError extends CodecError {
  override name = 'UnknownDtypeError'
  constructor(tensor: string, dtype: unknown) {
    super('codec.unknown-dtype', `Tensor "${tensor}" has an unknown dtype ${JSON.stringify(dtype)}.`)
  }
}

/** A known dtype, but not the one this tensor must have. */
export class DtypeMismatchError extends CodecError {
  override name = 'DtypeMismatchError'
  constructor(tensor: string, got: string, expected: string) {
    super('codec.dtype-mismatch', `Tensor "${tensor}" is ${got}; ${expected} was expected.`)
  }
}

/** Data offsets that leave holes, overlap, run past the data, or disagree with dtype × shape. */
export class BadOffsetsError extends CodecError {
  override name = 'BadOffsetsError'
  constructor(tensor: string, reason: string) {
    super('codec.bad-offsets', `Tensor "${tensor}" has bad data offsets: ${reason}.`)
  }
}

/** The file's tensors are not the expected set (missing or extra names). */
export class TensorSetMismatchError extends CodecError {
  override name = 'TensorSetMismatchError'
  constructor(reason: string) {
    super('codec.tensor-set', `The file does not hold the expected tensors: ${reason}.`)
  }
}

/** A tensor whose shape differs from the shard's. */
export class ShapeMismatchError extends CodecError {
  override name = 'ShapeMismatchError'
  constructor(tensor: string, got: readonly number[], expected: readonly number[]) {
    super('codec.shape-mismatch', `Tensor "${tensor}" has shape [${got}]; [${expected}] was expected.`)
  }
}

/** A sparse index outside its tensor. */
export class IndexOutOfRangeError extends CodecError {
  override name = 'IndexOutOfRangeError'
  constructor(tensor: string, index: number, size: number) {
    super('codec.index-out-of-range', `Index ${index} is outside ${tensor} (${size} values).`)
  }
}

/** The same sparse index given twice. */
export class DuplicateIndexError extends CodecError {
  override name = 'DuplicateIndexError'
  constructor(tensor: string, index: number) {
    super('codec.duplicate-index', `Index ${index} of ${tensor} appears more than once.`)
  }
}

/** More values kept in a chunk than the declared density allows. */
export class DensityExceededError extends CodecError {
  override name = 'DensityExceededError'
  constructor(tensor: string, chunk: number, count: number, allowed: number) {
    super('codec.density-exceeded', `Chunk ${chunk} of ${tensor} keeps ${count} values; the density allows ${allowed}.`)
  }
}

/** A NaN or ±Infinity among values or scales. */
export class NonFiniteValueError extends CodecError {
  override name = 'NonFiniteValueError'
  constructor(where: string, index: number, value: number) {
    super('codec.non-finite', `${where} holds a non-finite value (${value}) at position ${index}.`)
  }
}

/** A quantization scale below zero: it would flip signs and is never produced by the encoder. */
export class InvalidScaleError extends CodecError {
  override name = 'InvalidScaleError'
  constructor(index: number, value: number) {
    super('codec.invalid-scale', `Scale ${index} is ${value}; scales must be ≥ 0.`)
  }
}

/** A quantized value outside the range of the declared bit width. */
export class QuantizedValueOutOfRangeError extends CodecError {
  override name = 'QuantizedValueOutOfRangeError'
  constructor(index: number, value: number, bits: number) {
    const max = 2 ** (bits - 1) - 1
    super('codec.quantized-out-of-range', `Quantized value ${value} at ${index} is outside ±${max} (${bits} bits).`)
  }
}

/** More bytes than the cap: refused before they are all read. */
export class OversizeError extends CodecError {
  override name = 'OversizeError'
  constructor(size: number, cap: number) {
    super('codec.oversize', `The content is larger than the cap: at least ${size} bytes, at most ${cap} allowed.`, {
      meta: { size, cap },
    })
  }
}

/** The delta's L2 norm exceeds the bound. */
export class NormTooLargeError extends CodecError {
  override name = 'NormTooLargeError'
  constructor(norm: number, cap: number) {
    super('codec.norm-too-large', `The delta's L2 norm ${norm.toPrecision(6)} exceeds the bound ${cap}.`)
  }
}

/** A metadata field that is missing or not of the expected form. */
export class BadMetadataError extends CodecError {
  override name = 'BadMetadataError'
  constructor(key: string, reason: string) {
    super('codec.bad-metadata', `Metadata "${key}" is invalid: ${reason}.`)
  }
}

/** A format or version this build does not read. */
export class UnsupportedFormatError extends CodecError {
  override name = 'UnsupportedFormatError'
  constructor(got: string, expected: string) {
    super('codec.unsupported-format', `Unsupported file format ${JSON.stringify(got)}; this build reads ${expected}.`)
  }
}

/** A well-formed metadata field that differs from what the round expects (task, round, shard, base). */
export class MetadataMismatchError extends CodecError {
  override name = 'MetadataMismatchError'
  /** The metadata field that differs (`round`, `shard`, `hotkey`…). */
  readonly key: string
  constructor(key: string, got: string, expected: string) {
    super(
      'codec.metadata-mismatch',
      `Metadata "${key}" is ${JSON.stringify(got)}; ${JSON.stringify(expected)} was expected.`,
    )
    this.key = key
  }
}

/** Reading was aborted by the caller's signal (a timeout, a shutdown). */
export class ReadAbortedError extends CodecError {
  override name = 'ReadAbortedError'
  constructor(read: number, cause?: unknown) {
    super('codec.aborted', `Reading was aborted after ${read} bytes.`, { cause })
  }
}

/** An encoder argument that cannot be written (bad name, shape/data mismatch, bad option). */
export class InvalidEncodeInputError extends CodecError {
  override name = 'InvalidEncodeInputError'
  constructor(reason: string) {
    super('codec.invalid-input', `Cannot encode: ${reason}.`)
  }
}

/** A packed bit stream has a set bit in its padding: one set of fields must have one encoding. */
export class NonZeroPaddingError extends CodecError {
  override name = 'NonZeroPaddingError'
  constructor(stream: string) {
    super('codec.nonzero-padding', `The padding bits of ${stream} are not zero.`)
  }
}

/** The kept offsets of a chunk are not strictly ascending (a repeat, or out of order). */
export class IndexOrderError extends CodecError {
  override name = 'IndexOrderError'
  constructor(tensor: string, chunk: number, offset: number) {
    super(
      'codec.index-order',
      `Chunk ${chunk} of ${tensor}: offset ${offset} does not follow the previous one in ascending order.`,
    )
  }
}
