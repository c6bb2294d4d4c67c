import type { NamedTensor } from '../tensor.ts'
import { InvalidEncodeInputError, NonFiniteValueError } from './errors.ts'
import { expandLowRank, lowRankFactors } from './lowRank.ts'

/**
 * Compression settings (config `compress`): `rank` of the factors a matrix is sent as (0: none),
 * then for every other tensor the fraction kept per chunk and the chunk length; bits per value.
 */
export type CompressOptions = { rank: number; density: number; bits: number; chunk: number }

/** The largest rank a delta file may declare. */
export const MAX_RANK = 64

/**
 * PROTOCOL: a tensor is sent as rank-r factors when it is a matrix and the factors are smaller
 * than the matrix (r·(rows + cols) < rows·cols); every other tensor goes by chunked top-k.
 */
export function isFactored(shape: readonly number[], rank: number): boolean {
  return rank > 0 && shape.length === 2 && rank * (shape[0] + shape[1]) < shape[0] * shape[1]
}

/**
 * The factors of a matrix tensor: M ≈ P·Qᵀ with P rows×rank and Q cols×rank (row-major), each
 * column quantized with its own scale: a value q of column c of P dequantizes to fround(q · pScales[c]).
 */
export type QuantizedFactors = { p: Int8Array; q: Int8Array; pScales: Float32Array; qScales: Float32Array }

/**
 * One tensor of a compressed delta. `indices` are positions in the flattened tensor, ascending;
 * `values` are the quantized kept values (int8 storage for every `bits` ≤ 8: a value of `bits` bits
 * lies in ±(2^(bits−1)−1), unpacked — indices dominate the size, so packing would save little);
 * `scales` has one float32 per chunk, and a kept value at index i dequantizes to
 * `fround(values[j] · scales[floor(i / chunk)])`.
 */
export type CompressedTensor = {
  name: string
  shape: number[]
  indices: Int32Array
  values: Int8Array
  scales: Float32Array
  /** Set instead of the top-k fields (which are then empty) when `isFactored(shape, rank)`. */
  factors?: QuantizedFactors
}

/** A compressed delta: the settings it was made with and one entry per tensor, in shard order. */
export type CompressedDelta = CompressOptions & { tensors: CompressedTensor[] }

/** The result of `compressDelta`: what to publish, and what to carry into the next round. */
export type CompressDeltaResult = { compressed: CompressedDelta; residual: NamedTensor[] }

/** Values a chunk of `length` keeps at `density`; the decoder uses the same rule as a bound. */
export function keptPerChunk(length: number, density: number): number {
  return Math.min(length, Math.ceil(density * length))
}

/** The largest quantized magnitude at `bits` (symmetric range, so −128 never appears). */
export function quantMax(bits: number): number {
  return 2 ** (bits - 1) - 1
}

/** Throws `InvalidEncodeInputError` unless the options are usable. */
export function checkCompressOptions(opts: CompressOptions): void {
  const { density, bits, chunk, rank } = opts
  if (!(Number.isInteger(rank) && rank >= 0 && rank <= MAX_RANK))
    throw new InvalidEncodeInputError(`rank ${rank} is not 0…${MAX_RANK}`)
  if (!(Number.isFinite(density) && density > 0 && density <= 1)) {
    throw new InvalidEncodeInputError(`density ${density} is not in (0, 1]`)
  }
  if (!(Number.isInteger(bits) && bits >= 2 && bits <= 8)) throw new InvalidEncodeInputError(`bits ${bits} is not 2…8`)
  if (!(Number.isInteger(chunk) && chunk >= 1 && chunk <= 1 << 24)) {
    throw new InvalidEncodeInputError(`chunk ${chunk} is not 1…${1 << 24}`)
  }
}

function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1)
}

// a is worse than b: smaller magnitude, or equal magnitude and larger index (ties go to the lower index).
function worse(magA: number, idxA: number, magB: number, idxB: number): boolean {
  return magA < magB || (magA === magB && idxA > idxB)
}

/**
 * The indices of the `k` largest magnitudes of `acc[start, end)`, ascending. A min-heap of the
 * kept set, rooted at its worst member: O(n log k), deterministic (ties by index).
 */
export function topKIndices(acc: Float32Array, start: number, end: number, k: number): Int32Array {
  const idx = new Int32Array(k)
  const mag = new Float64Array(k)
  let size = 0
  const siftDown = (from: number): void => {
    let i = from
    for (;;) {
      const l = 2 * i + 1
      const r = l + 1
      let w = i
      if (l < size && worse(mag[l], idx[l], mag[w], idx[w])) w = l
      if (r < size && worse(mag[r], idx[r], mag[w], idx[w])) w = r
      if (w === i) return
      const ti = idx[i]
      const tm = mag[i]
      idx[i] = idx[w]
      mag[i] = mag[w]
      idx[w] = ti
      mag[w] = tm
      i = w
    }
  }
  for (let i = start; i < end; i++) {
    const m = Math.abs(acc[i])
    if (size < k) {
      // Sift up the new member.
      let c = size++
      while (c > 0) {
        const p = (c - 1) >> 1
        if (!worse(m, i, mag[p], idx[p])) break
        idx[c] = idx[p]
        mag[c] = mag[p]
        c = p
      }
      idx[c] = i
      mag[c] = m
    } else if (k > 0 && worse(mag[0], idx[0], m, i)) {
      idx[0] = i
      mag[0] = m
      siftDown(0)
    }
  }
  return idx.sort()
}

function roundHalfAway(x: number): number {
  return x < 0 ? -Math.floor(-x + 0.5) : Math.floor(x + 0.5)
}

type ChunkOut = { indices: Int32Array; values: Int8Array; scale: number }

// Keeps the top-k of one chunk, quantizes them with one scale, and subtracts what was sent from
// `acc` in place, so `acc` becomes the residual. The subtraction is exact in float32 (Sterbenz:
// a kept value is within half a step of its dequantized value), so residual + sent = input.
function compressChunk(acc: Float32Array, start: number, end: number, k: number, qmax: number): ChunkOut {
  const indices = topKIndices(acc, start, end, k)
  let maxAbs = 0
  for (const i of indices) maxAbs = Math.max(maxAbs, Math.abs(acc[i]))
  const scale = Math.fround(maxAbs / qmax)
  const values = new Int8Array(indices.length)
  for (let j = 0; j < indices.length; j++) {
    const i = indices[j]
    const q = scale > 0 ? Math.max(-qmax, Math.min(qmax, roundHalfAway(acc[i] / scale))) : 0
    values[j] = q
    acc[i] = Math.fround(acc[i] - Math.fround(q * scale))
  }
  return { indices, values, scale }
}

function accumulate(delta: NamedTensor, residual: NamedTensor | undefined, decay: number): Float32Array {
  if (residual && (residual.name !== delta.name || residual.data.length !== delta.data.length)) {
    throw new InvalidEncodeInputError(`the residual's tensor "${residual.name}" does not match "${delta.name}"`)
  }
  if (delta.data.length !== sizeOf(delta.shape)) {
    throw new InvalidEncodeInputError(`tensor "${delta.name}" has ${delta.data.length} values for [${delta.shape}]`)
  }
  const acc = new Float32Array(delta.data.length)
  for (let i = 0; i < acc.length; i++) {
    acc[i] = residual ? delta.data[i] + decay * residual.data[i] : delta.data[i]
    if (!Number.isFinite(acc[i])) throw new NonFiniteValueError(`delta tensor "${delta.name}"`, i, acc[i])
  }
  return acc
}

function compressTensor(acc: Float32Array, t: NamedTensor, opts: CompressOptions): CompressedTensor {
  const n = acc.length
  const chunks = Math.ceil(n / opts.chunk)
  const scales = new Float32Array(chunks)
  const parts: ChunkOut[] = []
  let total = 0
  for (let c = 0; c < chunks; c++) {
    const start = c * opts.chunk
    const end = Math.min(n, start + opts.chunk)
    const part = compressChunk(acc, start, end, keptPerChunk(end - start, opts.density), quantMax(opts.bits))
    scales[c] = part.scale
    parts.push(part)
    total += part.indices.length
  }
  const indices = new Int32Array(total)
  const values = new Int8Array(total)
  let at = 0
  for (const p of parts) {
    indices.set(p.indices, at)
    values.set(p.values, at)
    at += p.indices.length
  }
  return { name: t.name, shape: [...t.shape], indices, values, scales }
}

/**
 * Rank-r factors for matrices and top-k per chunk for the rest, int quantization, error feedback
 * (SparseLoCo's, with PowerSGD's low-rank step instead of top-k where it fits): compresses `delta + β·residual` and
 * returns the new residual `(delta + β·residual) − dequantized(kept)`, to add to the next round's
 * delta. β (`feedbackDecay`, 1 by default) < 1 lets old, never-sent directions fade (SparseLoCo).
 */
export function compressDelta(
  delta: readonly NamedTensor[],
  residual: readonly NamedTensor[] | undefined,
  opts: CompressOptions,
  feedbackDecay = 1,
): CompressDeltaResult {
  checkCompressOptions(opts)
  if (residual && residual.length !== delta.length) {
    throw new InvalidEncodeInputError(`the residual has ${residual.length} tensors, the delta ${delta.length}`)
  }
  const tensors: CompressedTensor[] = []
  const residualOut: NamedTensor[] = []
  delta.forEach((t, ti) => {
    const acc = accumulate(t, residual?.[ti], feedbackDecay)
    tensors.push(isFactored(t.shape, opts.rank) ? factorTensor(acc, t, opts) : compressTensor(acc, t, opts))
    residualOut.push({ name: t.name, shape: [...t.shape], data: acc })
  })
  const { rank, density, bits, chunk } = opts
  return { compressed: { rank, density, bits, chunk, tensors }, residual: residualOut }
}

// Quantizes each of the `rank` columns of a row-major rows×rank matrix with its own scale.
function quantizeColumns(m: Float32Array, rank: number, qmax: number): { values: Int8Array; scales: Float32Array } {
  const rows = m.length / rank
  const scales = new Float32Array(rank)
  const values = new Int8Array(m.length)
  for (let c = 0; c < rank; c++) {
    let maxAbs = 0
    for (let i = 0; i < rows; i++) maxAbs = Math.max(maxAbs, Math.abs(m[i * rank + c]))
    scales[c] = Math.fround(maxAbs / qmax)
    for (let i = 0; i < rows; i++) {
      const v = m[i * rank + c]
      values[i * rank + c] = scales[c] > 0 ? Math.max(-qmax, Math.min(qmax, roundHalfAway(v / scales[c]))) : 0
    }
  }
  return { values, scales }
}

function dequantizeColumns(values: Int8Array, scales: Float32Array, rank: number): Float32Array {
  const out = new Float32Array(values.length)
  for (let i = 0; i < values.length; i++) out[i] = Math.fround(values[i] * scales[i % rank])
  return out
}

/** The dense matrix quantized factors stand for: P·Qᵀ of the dequantized factors (PROTOCOL, float32). */
export function expandFactors(f: QuantizedFactors, shape: readonly number[], rank: number): Float32Array {
  return expandLowRank({
    rows: shape[0],
    cols: shape[1],
    rank,
    p: dequantizeColumns(f.p, f.pScales, rank),
    q: dequantizeColumns(f.q, f.qScales, rank),
  })
}

// Sends a matrix as quantized rank-r factors and subtracts what they stand for from `acc` in place,
// so `acc` becomes the residual (error feedback carries what the factors and quantization missed).
function factorTensor(acc: Float32Array, t: NamedTensor, opts: CompressOptions): CompressedTensor {
  const [rows, cols] = t.shape
  const f = lowRankFactors(acc, rows, cols, opts.rank)
  const qmax = quantMax(opts.bits)
  const p = quantizeColumns(f.p, opts.rank, qmax)
  const q = quantizeColumns(f.q, opts.rank, qmax)
  const factors = { p: p.values, q: q.values, pScales: p.scales, qScales: q.scales }
  const sent = expandFactors(factors, t.shape, opts.rank)
  for (let i = 0; i < acc.length; i++) acc[i] = Math.fround(acc[i] - sent[i])
  const empty = { indices: new Int32Array(0), values: new Int8Array(0), scales: new Float32Array(0) }
  return { name: t.name, shape: [...t.shape], ...empty, factors }
}

/** The dense delta a compressed one stands for (zeros where nothing was kept). */
export function decompressDelta(compressed: CompressedDelta): NamedTensor[] {
  return compressed.tensors.map((t) => {
    if (t.factors)
      return { name: t.name, shape: [...t.shape], data: expandFactors(t.factors, t.shape, compressed.rank) }
    const data = new Float32Array(sizeOf(t.shape))
    for (let j = 0; j < t.indices.length; j++) {
      const i = t.indices[j]
      data[i] = Math.fround(t.values[j] * t.scales[Math.floor(i / compressed.chunk)])
    }
    return { name: t.name, shape: [...t.shape], data }
  })
}
