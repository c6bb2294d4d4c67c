import type { NamedTensor } from '../tensor.ts'
import {
  type CompressedDelta,
  type CompressedTensor,
  type CompressOptions,
  decompressDelta,
  keptPerChunk,
  quantMax,
} from './delta.ts'
import { DELTA_TENSORS, type DecodedDeltaMeta, parseDeltaMetadata } from './deltaFile.ts'
import {
  DensityExceededError,
  DtypeMismatchError,
  DuplicateIndexError,
  IndexOutOfRangeError,
  InvalidScaleError,
  MetadataMismatchError,
  NonFiniteValueError,
  NormTooLargeError,
  OversizeError,
  QuantizedValueOutOfRangeError,
  ShapeMismatchError,
  TensorSetMismatchError,
} from './errors.ts'
import { decodeSafetensors, type SafeTensor } from './safetensors.ts'

/** A tensor name and shape the file must hold (one per tensor of the shard, in shard order). */
export type ShapeSpec = { name: string; shape: readonly number[] }

/** What a validator expects of a delta: the shard, caps, and the round's identifiers. */
export type DecodeDeltaExpect = {
  shapes: readonly ShapeSpec[]
  maxBytes: number
  /** Largest accepted L2 norm of the dense (dequantized) delta. */
  maxNorm: number
  maxHeaderBytes?: number
  task?: string
  round?: number
  shard?: number
  baseCid?: string
  hotkey?: string
  /** Compression settings the subnet requires; a field left out is not checked. */
  compress?: Partial<CompressOptions>
}

/** A decoded delta: its metadata, the compressed form (for index-overlap checks), dense tensors, L2 norm. */
export type DecodedDelta = { meta: DecodedDeltaMeta; compressed: CompressedDelta; delta: NamedTensor[]; norm: number }

/** What a checkpoint file must hold. */
export type DecodeCheckpointExpect = { shapes: readonly ShapeSpec[]; maxBytes: number; maxHeaderBytes?: number }

/** A decoded checkpoint: its metadata and its tensors in the expected order. */
export type DecodedCheckpoint = { meta: Record<string, string>; tensors: NamedTensor[] }

function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1)
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i])
}

function checkNames(got: readonly string[], want: readonly string[], ordered: boolean): void {
  const missing = want.filter((n) => !got.includes(n))
  const extra = got.filter((n) => !want.includes(n))
  if (missing.length > 0 || extra.length > 0 || got.length !== want.length) {
    const parts = [
      missing.length ? `missing ${missing.join(', ')}` : '',
      extra.length ? `unexpected ${extra.join(', ')}` : '',
    ]
    throw new TensorSetMismatchError(parts.filter(Boolean).join('; ') || 'a name appears twice')
  }
  if (ordered && got.some((n, i) => n !== want[i])) {
    throw new TensorSetMismatchError(`the tensors are listed in another order than the shard's (${got.join(', ')})`)
  }
}

function checkShapes(got: readonly ShapeSpec[], want: readonly ShapeSpec[]): void {
  for (const w of want) {
    const g = got.find((t) => t.name === w.name)!
    if (!sameShape(g.shape, w.shape)) throw new ShapeMismatchError(w.name, g.shape, w.shape)
  }
}

function checkExpectedMeta(meta: DecodedDeltaMeta, expect: DecodeDeltaExpect): void {
  const pairs: [string, unknown, unknown][] = [
    ['task', meta.task, expect.task],
    ['round', meta.round, expect.round],
    ['shard', meta.shard, expect.shard],
    ['base_cid', meta.baseCid, expect.baseCid],
    ['hotkey', meta.hotkey, expect.hotkey],
    ['density', meta.density, expect.compress?.density],
    ['bits', meta.bits, expect.compress?.bits],
    ['chunk', meta.chunk, expect.compress?.chunk],
  ]
  for (const [key, got, want] of pairs) {
    if (want !== undefined && got !== want) throw new MetadataMismatchError(key, String(got), String(want))
  }
}

function pick(tensors: SafeTensor[], name: string, dtype: SafeTensor['dtype']): SafeTensor {
  const t = tensors.find((x) => x.name === name)!
  if (t.dtype !== dtype) throw new DtypeMismatchError(name, t.dtype, dtype)
  if (t.shape.length !== 1) throw new ShapeMismatchError(name, t.shape, [t.data.length])
  return t
}

function checkScales(scales: Float32Array): void {
  for (let i = 0; i < scales.length; i++) {
    if (!Number.isFinite(scales[i])) throw new NonFiniteValueError('scales', i, scales[i])
    if (scales[i] < 0) throw new InvalidScaleError(i, scales[i])
  }
}

function checkValues(values: Int8Array, bits: number): void {
  const qmax = quantMax(bits)
  for (let j = 0; j < values.length; j++) {
    if (values[j] > qmax || values[j] < -qmax) throw new QuantizedValueOutOfRangeError(j, values[j], bits)
  }
}

type Layout = { sizes: number[]; starts: number[]; chunkStarts: number[]; total: number; chunks: number }

// Where each tensor starts in the shard's index space and in the list of scales.
function shardLayout(shapes: readonly ShapeSpec[], chunk: number): Layout {
  const layout: Layout = { sizes: [], starts: [], chunkStarts: [], total: 0, chunks: 0 }
  for (const s of shapes) {
    const n = sizeOf(s.shape)
    layout.sizes.push(n)
    layout.starts.push(layout.total)
    layout.chunkStarts.push(layout.chunks)
    layout.total += n
    layout.chunks += Math.ceil(n / chunk)
  }
  return layout
}

// The tensor holding shard index g (the last tensor starting at or before g; empty ones never match).
function ownerOf(layout: Layout, g: number): number {
  let lo = 0
  let hi = layout.starts.length - 1
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1
    if (layout.starts[mid] <= g) lo = mid
    else hi = mid - 1
  }
  return lo
}

// Checks every index (in range, unique, within the density of its chunk); returns each one's tensor.
function checkIndices(
  indices: Int32Array,
  layout: Layout,
  shapes: readonly ShapeSpec[],
  meta: DecodedDeltaMeta,
): Int32Array {
  const seen = new Uint8Array(layout.total)
  const perChunk = new Uint32Array(layout.chunks)
  const owner = new Int32Array(indices.length)
  for (let j = 0; j < indices.length; j++) {
    const g = indices[j]
    if (g < 0 || g >= layout.total) throw new IndexOutOfRangeError('the shard', g, layout.total)
    if (seen[g]) throw new DuplicateIndexError('the shard', g)
    seen[g] = 1
    const t = ownerOf(layout, g)
    owner[j] = t
    const c = Math.floor((g - layout.starts[t]) / meta.chunk)
    const allowed = keptPerChunk(Math.min(meta.chunk, layout.sizes[t] - c * meta.chunk), meta.density)
    const count = ++perChunk[layout.chunkStarts[t] + c]
    if (count > allowed) throw new DensityExceededError(shapes[t].name, c, count, allowed)
  }
  return owner
}

// Splits the checked shard-global arrays into one compressed entry per tensor.
function splitByTensor(
  indices: Int32Array,
  values: Int8Array,
  scales: Float32Array,
  shapes: readonly ShapeSpec[],
  meta: DecodedDeltaMeta,
): CompressedTensor[] {
  const layout = shardLayout(shapes, meta.chunk)
  if (scales.length !== layout.chunks) {
    throw new ShapeMismatchError(DELTA_TENSORS.scales, [scales.length], [layout.chunks])
  }
  const owner = checkIndices(indices, layout, shapes, meta)
  const counts = new Uint32Array(shapes.length)
  for (const t of owner) counts[t]++
  const out: CompressedTensor[] = shapes.map((s, t) => ({
    name: s.name,
    shape: [...s.shape],
    indices: new Int32Array(counts[t]),
    values: new Int8Array(counts[t]),
    scales: scales.slice(layout.chunkStarts[t], layout.chunkStarts[t] + Math.ceil(layout.sizes[t] / meta.chunk)),
  }))
  const fill = new Uint32Array(shapes.length)
  for (let j = 0; j < indices.length; j++) {
    const t = owner[j]
    out[t].indices[fill[t]] = indices[j] - layout.starts[t]
    out[t].values[fill[t]++] = values[j]
  }
  return out
}

function l2Norm(tensors: readonly NamedTensor[]): number {
  let sum = 0
  for (const t of tensors) {
    for (let i = 0; i < t.data.length; i++) {
      if (!Number.isFinite(t.data[i])) throw new NonFiniteValueError(`dequantized tensor "${t.name}"`, i, t.data[i])
      sum += t.data[i] * t.data[i]
    }
  }
  return Math.sqrt(sum)
}

/**
 * Decodes a miner's delta strictly against the shard it must cover: size cap, safetensors layout,
 * format and metadata (and the round's expected task/round/shard/base), dtypes and shapes, indices
 * in range, unique and within the declared density, finite values and scales, norm bound.
 * Throws one `CodecError` subclass per failure.
 */
export function decodeDelta(bytes: Uint8Array, expect: DecodeDeltaExpect): DecodedDelta {
  if (bytes.length > expect.maxBytes) throw new OversizeError(bytes.length, expect.maxBytes)
  const file = decodeSafetensors(bytes, { maxBytes: expect.maxBytes, maxHeaderBytes: expect.maxHeaderBytes })
  const { meta, tensors: listed } = parseDeltaMetadata(file.metadata)
  checkExpectedMeta(meta, expect)
  checkNames(
    listed.map((t) => t.name),
    expect.shapes.map((t) => t.name),
    true,
  )
  checkShapes(listed, expect.shapes)
  checkNames(
    file.tensors.map((t) => t.name),
    Object.values(DELTA_TENSORS),
    false,
  )
  const indices = pick(file.tensors, DELTA_TENSORS.indices, 'I32').data as Int32Array
  const values = pick(file.tensors, DELTA_TENSORS.values, 'I8').data as Int8Array
  const scales = pick(file.tensors, DELTA_TENSORS.scales, 'F32').data as Float32Array
  if (values.length !== indices.length) {
    throw new ShapeMismatchError(DELTA_TENSORS.values, [values.length], [indices.length])
  }
  checkScales(scales)
  checkValues(values, meta.bits)
  const tensors = splitByTensor(indices, values, scales, expect.shapes, meta)
  const compressed: CompressedDelta = { density: meta.density, bits: meta.bits, chunk: meta.chunk, tensors }
  const delta = decompressDelta(compressed)
  const norm = l2Norm(delta)
  if (!(norm <= expect.maxNorm)) throw new NormTooLargeError(norm, expect.maxNorm)
  return { meta, compressed, delta, norm }
}

/**
 * Decodes a checkpoint (model or outer state) strictly: size cap, safetensors layout, exactly the
 * expected tensors as F32 of the expected shapes, all values finite. Tensors come back in `shapes` order.
 */
export function decodeCheckpoint(bytes: Uint8Array, expect: DecodeCheckpointExpect): DecodedCheckpoint {
  if (bytes.length > expect.maxBytes) throw new OversizeError(bytes.length, expect.maxBytes)
  const file = decodeSafetensors(bytes, { maxBytes: expect.maxBytes, maxHeaderBytes: expect.maxHeaderBytes })
  checkNames(
    file.tensors.map((t) => t.name),
    expect.shapes.map((t) => t.name),
    false,
  )
  checkShapes(file.tensors, expect.shapes)
  const tensors = expect.shapes.map((s): NamedTensor => {
    const t = file.tensors.find((x) => x.name === s.name)!
    if (t.dtype !== 'F32') throw new DtypeMismatchError(t.name, t.dtype, 'F32')
    const data = t.data as Float32Array
    for (let i = 0; i < data.length; i++) {
      if (!Number.isFinite(data[i])) throw new NonFiniteValueError(`tensor "${t.name}"`, i, data[i])
    }
    return { name: t.name, shape: [...t.shape], data }
  })
  return { meta: file.metadata, tensors }
}
