import { DTYPE_SIZES, type Dtype, dataMatchesDtype, isDtype, type TensorData, typedArrayOf } from './dtypes.ts'
import {
  BadHeaderJsonError,
  BadOffsetsError,
  CodecError,
  HeaderTooLongError,
  InvalidEncodeInputError,
  OversizeError,
  TruncatedError,
  UnknownDtypeError,
} from './errors.ts'

/** One tensor of a safetensors file. */
export type SafeTensor = { name: string; dtype: Dtype; shape: number[]; data: TensorData }

/** A decoded safetensors file: its tensors (in file order) and its `__metadata__` (empty if none). */
export type SafetensorsFile = { tensors: SafeTensor[]; metadata: Record<string, string> }

/** Limits applied while decoding bytes from outside. */
export type DecodeSafetensorsOptions = {
  /** Largest accepted JSON header in bytes (default 1 MiB: a shard's header is a few KiB). */
  maxHeaderBytes?: number
  /** Largest accepted file in bytes (default: no cap beyond the bytes given). */
  maxBytes?: number
}

/** The default header cap; the Rust library's own is 100 MB, far more than any of our files needs. */
export const DEFAULT_MAX_HEADER_BYTES = 1 << 20
const METADATA_KEY = '__metadata__'
const MAX_RANK = 16
const utf8Encoder = new TextEncoder()
const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

// Typed arrays use the host's byte order and safetensors is little-endian: refuse a big-endian host
// loudly rather than write or read wrong numbers.
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1

function requireLittleEndian(): void {
  if (!LITTLE_ENDIAN) throw new CodecError('codec.big-endian', 'This codec needs a little-endian host.')
}

function elementCount(shape: readonly number[]): number {
  let n = 1
  for (const d of shape) n *= d
  return n
}

// A plain assignment of "__proto__" would set the prototype instead of adding a key.
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true })
}

function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

function checkEncodeTensor(t: SafeTensor, seen: Set<string>): void {
  if (typeof t.name !== 'string' || t.name === '' || t.name === METADATA_KEY) {
    throw new InvalidEncodeInputError(`tensor name ${JSON.stringify(t.name)} is not allowed`)
  }
  if (seen.has(t.name)) throw new InvalidEncodeInputError(`tensor name "${t.name}" is used twice`)
  seen.add(t.name)
  if (!isDtype(t.dtype)) throw new UnknownDtypeError(t.name, t.dtype)
  if (!t.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new InvalidEncodeInputError(`tensor "${t.name}" has shape [${t.shape}]`)
  }
  if (!dataMatchesDtype(t.dtype, t.data)) {
    throw new InvalidEncodeInputError(`tensor "${t.name}" is ${t.dtype} but its data is a ${t.data.constructor.name}`)
  }
  if (t.data.length !== elementCount(t.shape)) {
    throw new InvalidEncodeInputError(`tensor "${t.name}" has ${t.data.length} values for shape [${t.shape}]`)
  }
}

/**
 * Writes tensors in the safetensors format. Deterministic: tensors are laid out by dtype size
 * (largest first, so every tensor is aligned to its element size, as the Rust library does) and
 * then by name; header keys are sorted; the header is padded with spaces to a multiple of 8.
 */
export function encodeSafetensors(tensors: readonly SafeTensor[], metadata?: Record<string, string>): Uint8Array {
  requireLittleEndian()
  const seen = new Set<string>()
  for (const t of tensors) checkEncodeTensor(t, seen)
  const order = [...tensors].sort((a, b) => DTYPE_SIZES[b.dtype] - DTYPE_SIZES[a.dtype] || compareNames(a.name, b.name))
  const entries: Record<string, unknown> = {}
  if (metadata && Object.keys(metadata).length > 0) {
    const meta: Record<string, string> = {}
    for (const k of Object.keys(metadata).sort(compareNames)) {
      if (typeof metadata[k] !== 'string') throw new InvalidEncodeInputError(`metadata "${k}" is not a string`)
      setOwn(meta, k, metadata[k])
    }
    entries[METADATA_KEY] = meta
  }
  let offset = 0
  const offsets = new Map<string, number>()
  for (const t of order) {
    offsets.set(t.name, offset)
    offset += t.data.byteLength
  }
  for (const t of [...order].sort((a, b) => compareNames(a.name, b.name))) {
    const begin = offsets.get(t.name)!
    setOwn(entries, t.name, { dtype: t.dtype, shape: t.shape, data_offsets: [begin, begin + t.data.byteLength] })
  }
  const json = utf8Encoder.encode(JSON.stringify(entries))
  const headerLength = Math.ceil(json.length / 8) * 8
  const out = new Uint8Array(8 + headerLength + offset)
  new DataView(out.buffer).setBigUint64(0, BigInt(headerLength), true)
  out.set(json, 8)
  out.fill(0x20, 8 + json.length, 8 + headerLength)
  let at = 8 + headerLength
  for (const t of order) {
    out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), at)
    at += t.data.byteLength
  }
  return out
}

type RawEntry = { name: string; dtype: Dtype; shape: number[]; begin: number; end: number }

function readHeaderLength(bytes: Uint8Array, maxHeaderBytes: number): number {
  if (bytes.length < 8) throw new TruncatedError('the 8-byte header length', 8, bytes.length)
  const n = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true)
  if (n > BigInt(maxHeaderBytes)) throw new HeaderTooLongError(n, maxHeaderBytes)
  const length = Number(n)
  if (bytes.length < 8 + length) throw new TruncatedError('the JSON header', 8 + length, bytes.length)
  return length
}

function parseHeaderJson(bytes: Uint8Array, length: number): Record<string, unknown> {
  if (length < 2 || bytes[8] !== 0x7b) throw new BadHeaderJsonError('it does not start with "{"')
  let text: string
  try {
    text = utf8Decoder.decode(bytes.subarray(8, 8 + length))
  } catch (err) {
    throw new BadHeaderJsonError('it is not valid UTF-8', err)
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (err) {
    throw new BadHeaderJsonError(`it is not JSON (${err instanceof Error ? err.message : String(err)})`, err)
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new BadHeaderJsonError('it is not a JSON object')
  }
  return parsed as Record<string, unknown>
}

function parseMetadata(value: unknown): Record<string, string> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new BadHeaderJsonError('"__metadata__" is not an object')
  }
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'string') throw new BadHeaderJsonError(`"__metadata__.${k}" is not a string`)
    setOwn(out, k, v)
  }
  return out
}

function isIndex(x: unknown): x is number {
  return typeof x === 'number' && Number.isSafeInteger(x) && x >= 0
}

function parseEntry(name: string, value: unknown): RawEntry {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new BadHeaderJsonError(`entry "${name}" is not an object`)
  }
  const keys = Object.keys(value).sort()
  if (keys.join(',') !== 'data_offsets,dtype,shape') {
    throw new BadHeaderJsonError(`entry "${name}" must have exactly dtype, shape and data_offsets (has ${keys})`)
  }
  const { dtype, shape, data_offsets: offsets } = value as Record<string, unknown>
  if (!isDtype(dtype)) throw new UnknownDtypeError(name, dtype)
  if (!Array.isArray(shape) || shape.length > MAX_RANK || !shape.every(isIndex)) {
    throw new BadHeaderJsonError(`entry "${name}" has a bad shape ${JSON.stringify(shape)}`)
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isIndex)) {
    throw new BadOffsetsError(name, `${JSON.stringify(offsets)} is not a pair of byte offsets`)
  }
  const [begin, end] = offsets as number[]
  if (end < begin) throw new BadOffsetsError(name, `end ${end} is before begin ${begin}`)
  const count = elementCount(shape as number[])
  if (!Number.isSafeInteger(count * DTYPE_SIZES[dtype]) || count * DTYPE_SIZES[dtype] !== end - begin) {
    throw new BadOffsetsError(name, `${end - begin} bytes do not hold ${dtype} of shape [${shape}]`)
  }
  return { name, dtype, shape: shape as number[], begin, end }
}

// The data buffer must be covered exactly: sorted by offsets, each tensor starts where the last
// ended, the first at 0, the last at the end of the buffer (as the Rust library checks).
function checkLayout(entries: RawEntry[], dataLength: number): void {
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end)
  let at = 0
  for (const e of entries) {
    if (e.begin !== at) {
      throw new BadOffsetsError(
        e.name,
        e.begin > at ? `a hole before byte ${e.begin}` : `it overlaps at byte ${e.begin}`,
      )
    }
    at = e.end
  }
  if (at > dataLength) throw new TruncatedError('the tensor data', at, dataLength)
  if (at < dataLength) {
    throw new BadOffsetsError(entries.at(-1)?.name ?? '(none)', `${dataLength - at} bytes follow the last tensor`)
  }
}

/**
 * Reads a safetensors file strictly: bounded header, valid UTF-8 JSON, known dtypes, offsets that
 * tile the data exactly. Tensor data is copied out (aligned, independent of `bytes`). Throws a
 * `CodecError` subclass for every malformed input; never anything else.
 */
export function decodeSafetensors(bytes: Uint8Array, opts: DecodeSafetensorsOptions = {}): SafetensorsFile {
  requireLittleEndian()
  if (opts.maxBytes !== undefined && bytes.length > opts.maxBytes) throw new OversizeError(bytes.length, opts.maxBytes)
  const headerLength = readHeaderLength(bytes, opts.maxHeaderBytes ?? DEFAULT_MAX_HEADER_BYTES)
  const header = parseHeaderJson(bytes, headerLength)
  let metadata: Record<string, string> = {}
  const entries: RawEntry[] = []
  for (const [name, value] of Object.entries(header)) {
    if (name === METADATA_KEY) metadata = parseMetadata(value)
    else entries.push(parseEntry(name, value))
  }
  const dataStart = 8 + headerLength
  checkLayout(entries, bytes.length - dataStart)
  const tensors = entries.map((e): SafeTensor => {
    // A fresh buffer (not bytes.slice: on a Node Buffer that is a view into a shared pool).
    const copy = new Uint8Array(e.end - e.begin)
    copy.set(bytes.subarray(dataStart + e.begin, dataStart + e.end))
    return { name: e.name, dtype: e.dtype, shape: e.shape, data: typedArrayOf(e.dtype, copy.buffer) }
  })
  return { tensors, metadata }
}
