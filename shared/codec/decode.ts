import type { NamedTensor } from '../tensor.ts'
import { indexBits, unpackBits } from './bitPack.ts'
import {
  type CompressedDelta,
  type CompressedTensor,
  type CompressOptions,
  decompressDelta,
  quantMax,
} from './delta.ts'
import { DELTA_TENSORS, type DecodedDeltaMeta, parseDeltaMetadata } from './deltaFile.ts'
import { deltaLayout } from './deltaLayout.ts'
import {
  DtypeMismatchError,
  IndexOrderError,
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

function _sizeOf(shape: readonly number[]): number {
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
    ['rank', meta.rank, expect.compress?.rank],
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

type Packed = {
  indices: Uint8Array
  values: Uint8Array
  scales: Float32Array
  factors: Uint8Array
  factorScales: Float32Array
}

// Unpacks the streams along the layout the shapes and settings give, and checks every entry: each
// top-k chunk keeps exactly its count, stored offsets in range and strictly ascending (hence unique);
// every value and factor value within ±qmax; as many scales as chunks and factor columns.
function splitByTensor(packed: Packed, shapes: readonly ShapeSpec[], meta: DecodedDeltaMeta): CompressedTensor[] {
  const layout = deltaLayout(shapes, meta)
  if (packed.scales.length !== layout.chunks)
    throw new ShapeMismatchError(DELTA_TENSORS.scales, [packed.scales.length], [layout.chunks])
  if (packed.factorScales.length !== layout.factorScales)
    throw new ShapeMismatchError(DELTA_TENSORS.factorScales, [packed.factorScales.length], [layout.factorScales])
  checkScales(packed.scales)
  checkScales(packed.factorScales)
  const offsets = unpackBits(packed.indices, layout.offsets, indexBits(meta.chunk), DELTA_TENSORS.indices)
  const values = signed(unpackBits(packed.values, layout.kept, meta.bits, DELTA_TENSORS.values), meta.bits)
  const factors = signed(unpackBits(packed.factors, layout.factorValues, meta.bits, DELTA_TENSORS.factors), meta.bits)
  const at = { offset: 0, value: 0, scale: 0, factor: 0, factorScale: 0 }
  return shapes.map((s, t) => {
    const l = layout.tensors[t]
    const base = { name: s.name, shape: [...s.shape] }
    if (l.kind === 'factors') {
      const r = meta.rank
      const take = (n: number) => {
        at.factor += n
        return factors.slice(at.factor - n, at.factor)
      }
      const scales = (n: number) => {
        at.factorScale += n
        return packed.factorScales.slice(at.factorScale - n, at.factorScale)
      }
      const f = { p: take(l.rows * r), q: take(l.cols * r), pScales: scales(r), qScales: scales(r) }
      return { ...base, indices: new Int32Array(0), values: new Int8Array(0), scales: new Float32Array(0), factors: f }
    }
    const kept = l.chunks.reduce((n, c) => n + c.kept, 0)
    const indices = new Int32Array(kept)
    let j = 0
    l.chunks.forEach((c, ci) => {
      for (let e = 0; e < c.kept; e++, j++) {
        const o = c.kept === c.length ? e : offsets[at.offset++]
        if (o >= c.length) throw new IndexOutOfRangeError(`chunk ${ci} of ${s.name}`, o, c.length)
        if (e > 0 && o <= indices[j - 1] - c.start) throw new IndexOrderError(s.name, ci, o)
        indices[j] = c.start + o
      }
    })
    const out = { ...base, indices, values: values.slice(at.value, at.value + kept) }
    at.value += kept
    at.scale += l.chunks.length
    return { ...out, scales: packed.scales.slice(at.scale - l.chunks.length, at.scale) }
  })
}

// Fields stored as q + qmax back to q, refusing any outside ±qmax.
function signed(fields: Uint32Array, bits: number): Int8Array {
  const qmax = quantMax(bits)
  const out = new Int8Array(fields.length)
  for (let j = 0; j < fields.length; j++) {
    if (fields[j] > 2 * qmax) throw new QuantizedValueOutOfRangeError(j, fields[j] - qmax, bits)
    out[j] = fields[j] - qmax
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
 * format and metadata (and the round's expected task/round/shard/base), dtypes and shapes, packed
 * streams of exactly the length the shapes and settings give, offsets in range and ascending per
 * chunk, values within ±qmax, finite scales, norm bound.
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
  const packed: Packed = {
    indices: pick(file.tensors, DELTA_TENSORS.indices, 'U8').data as Uint8Array,
    values: pick(file.tensors, DELTA_TENSORS.values, 'U8').data as Uint8Array,
    scales: pick(file.tensors, DELTA_TENSORS.scales, 'F32').data as Float32Array,
    factors: pick(file.tensors, DELTA_TENSORS.factors, 'U8').data as Uint8Array,
    factorScales: pick(file.tensors, DELTA_TENSORS.factorScales, 'F32').data as Float32Array,
  }
  const tensors = splitByTensor(packed, expect.shapes, meta)
  const { rank, density, bits, chunk } = meta
  const compressed: CompressedDelta = { rank, density, bits, chunk, tensors }
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
