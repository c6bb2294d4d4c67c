import { type CompressedDelta, checkCompressOptions } from './delta.ts'
import { BadMetadataError, InvalidEncodeInputError, UnsupportedFormatError } from './errors.ts'
import { encodeSafetensors } from './safetensors.ts'

/** The `format` metadata value of a delta file, and the version this build writes and reads. */
export const DELTA_FORMAT = 'crowdtrain-delta'
export const DELTA_VERSION = '1'

/** Who made a delta, for which round and shard, from which checkpoint. */
export type DeltaMeta = { task: string; round: number; shard: number; baseCid: string; hotkey: string }

/** The metadata read back from a delta file: `DeltaMeta` plus the compression settings and version. */
export type DecodedDeltaMeta = DeltaMeta & { version: string; density: number; bits: number; chunk: number }

/** The names of the three tensors of a delta file. */
export const DELTA_TENSORS = { indices: 'indices', values: 'values', scales: 'scales' } as const

const TEXT_MAX = 256
const ID_PATTERN = /^[A-Za-z0-9]{1,128}$/
const UINT_PATTERN = /^(0|[1-9][0-9]{0,14})$/

function hasControlChars(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c < 0x20 || c === 0x7f) return true
  }
  return false
}

function checkText(key: string, value: string): string {
  if (value.length === 0 || value.length > TEXT_MAX || hasControlChars(value)) {
    throw new BadMetadataError(key, `expected 1–${TEXT_MAX} printable characters`)
  }
  return value
}

function checkId(key: string, value: string): string {
  if (!ID_PATTERN.test(value)) throw new BadMetadataError(key, 'expected 1–128 letters and digits')
  return value
}

function checkUint(key: string, value: string): number {
  if (!UINT_PATTERN.test(value))
    throw new BadMetadataError(key, `expected a non-negative integer, got ${JSON.stringify(value)}`)
  return Number(value)
}

/**
 * Lays a compressed delta out as one safetensors file of three 1-D tensors: `indices` (I32,
 * positions in the shard's tensors concatenated in shard order), `values` (I8) and `scales` (F32,
 * one per chunk of each tensor, in order). One index space and three header entries keep the file
 * small for shards of many little tensors; the tensor list and shapes are in `__metadata__.tensors`.
 */
export function encodeDelta(compressed: CompressedDelta, meta: DeltaMeta): Uint8Array {
  checkCompressOptions(compressed)
  const metadata = deltaMetadata(compressed, meta)
  let nnz = 0
  let chunks = 0
  let total = 0
  for (const t of compressed.tensors) {
    nnz += t.indices.length
    chunks += t.scales.length
    total += t.shape.reduce((a, b) => a * b, 1)
  }
  if (total > 2 ** 31 - 1) throw new InvalidEncodeInputError(`a shard of ${total} values does not fit int32 indices`)
  const indices = new Int32Array(nnz)
  const values = new Int8Array(nnz)
  const scales = new Float32Array(chunks)
  let at = 0
  let chunkAt = 0
  let base = 0
  for (const t of compressed.tensors) {
    for (let j = 0; j < t.indices.length; j++) indices[at + j] = base + t.indices[j]
    values.set(t.values, at)
    scales.set(t.scales, chunkAt)
    at += t.indices.length
    chunkAt += t.scales.length
    base += t.shape.reduce((a, b) => a * b, 1)
  }
  return encodeSafetensors(
    [
      { name: DELTA_TENSORS.indices, dtype: 'I32', shape: [nnz], data: indices },
      { name: DELTA_TENSORS.values, dtype: 'I8', shape: [nnz], data: values },
      { name: DELTA_TENSORS.scales, dtype: 'F32', shape: [chunks], data: scales },
    ],
    metadata,
  )
}

function deltaMetadata(compressed: CompressedDelta, meta: DeltaMeta): Record<string, string> {
  for (const k of ['round', 'shard'] as const) {
    if (!Number.isSafeInteger(meta[k]) || meta[k] < 0)
      throw new InvalidEncodeInputError(`${k} ${meta[k]} is not an integer ≥ 0`)
  }
  const metadata: Record<string, string> = {
    format: DELTA_FORMAT,
    version: DELTA_VERSION,
    task: meta.task,
    round: String(meta.round),
    shard: String(meta.shard),
    base_cid: meta.baseCid,
    hotkey: meta.hotkey,
    density: String(compressed.density),
    bits: String(compressed.bits),
    chunk: String(compressed.chunk),
    tensors: JSON.stringify(compressed.tensors.map((t) => [t.name, t.shape])),
  }
  try {
    parseDeltaMetadata(metadata)
  } catch (err) {
    throw new InvalidEncodeInputError(err instanceof Error ? err.message : String(err))
  }
  return metadata
}

function need(metadata: Record<string, string>, key: string): string {
  const v = Object.hasOwn(metadata, key) ? metadata[key] : undefined
  if (typeof v !== 'string') throw new BadMetadataError(key, 'it is missing')
  return v
}

function parseTensorList(text: string): { name: string; shape: number[] }[] {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    throw new BadMetadataError('tensors', 'it is not JSON')
  }
  if (!Array.isArray(parsed)) throw new BadMetadataError('tensors', 'it is not a list')
  return parsed.map((e: unknown, i) => {
    const ok =
      Array.isArray(e) &&
      e.length === 2 &&
      typeof e[0] === 'string' &&
      Array.isArray(e[1]) &&
      e[1].length <= 16 &&
      e[1].every((d: unknown) => typeof d === 'number' && Number.isSafeInteger(d) && d >= 0)
    if (!ok) throw new BadMetadataError('tensors', `entry ${i} is not [name, shape]`)
    return { name: e[0] as string, shape: e[1] as number[] }
  })
}

/** Reads and checks the metadata of a delta file (format, version, fields, settings, tensor list). */
export function parseDeltaMetadata(metadata: Record<string, string>): {
  meta: DecodedDeltaMeta
  tensors: { name: string; shape: number[] }[]
} {
  const format = need(metadata, 'format')
  const version = need(metadata, 'version')
  if (format !== DELTA_FORMAT || version !== DELTA_VERSION) {
    throw new UnsupportedFormatError(`${format} v${version}`, `${DELTA_FORMAT} v${DELTA_VERSION}`)
  }
  const densityText = need(metadata, 'density')
  const density = Number(densityText)
  if (String(density) !== densityText)
    throw new BadMetadataError('density', `${JSON.stringify(densityText)} is not a number`)
  const bits = checkUint('bits', need(metadata, 'bits'))
  const chunk = checkUint('chunk', need(metadata, 'chunk'))
  try {
    checkCompressOptions({ density, bits, chunk })
  } catch (err) {
    throw new BadMetadataError('density/bits/chunk', err instanceof Error ? err.message : String(err))
  }
  const meta: DecodedDeltaMeta = {
    version,
    task: checkText('task', need(metadata, 'task')),
    round: checkUint('round', need(metadata, 'round')),
    shard: checkUint('shard', need(metadata, 'shard')),
    baseCid: checkId('base_cid', need(metadata, 'base_cid')),
    hotkey: checkId('hotkey', need(metadata, 'hotkey')),
    density,
    bits,
    chunk,
  }
  return { meta, tensors: parseTensorList(need(metadata, 'tensors')) }
}
