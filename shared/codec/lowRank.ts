import { createRng, seedBytes } from '../random.ts'

/** A rank-r factorisation of a rows×cols matrix: M ≈ P·Qᵀ, P rows×r and Q cols×r, row-major float32. */
export type LowRankFactors = { rows: number; cols: number; rank: number; p: Float32Array; q: Float32Array }

// out = op(x) · y with op(x) = x (a×b) or, with `transposeX`, xᵀ where x is b×a; y is b×c; row-major,
// float64 accumulation.
function matmul(x: ArrayLike<number>, y: ArrayLike<number>, a: number, b: number, c: number, transposeX = false) {
  const out = new Float64Array(a * c)
  for (let i = 0; i < a; i++)
    for (let k = 0; k < b; k++) {
      const v = transposeX ? x[k * a + i] : x[i * b + k]
      if (v === 0) continue
      for (let j = 0; j < c; j++) out[i * c + j] += v * y[k * c + j]
    }
  return out
}

// Orthonormalises the r columns of m (n×r) in place (modified Gram–Schmidt); a null column becomes 0.
function orthonormalize(m: Float64Array, n: number, r: number): void {
  for (let j = 0; j < r; j++) {
    for (let k = 0; k < j; k++) {
      let dot = 0
      for (let i = 0; i < n; i++) dot += m[i * r + j] * m[i * r + k]
      for (let i = 0; i < n; i++) m[i * r + j] -= dot * m[i * r + k]
    }
    let norm = 0
    for (let i = 0; i < n; i++) norm += m[i * r + j] ** 2
    norm = Math.sqrt(norm)
    for (let i = 0; i < n; i++) m[i * r + j] = norm > 1e-30 ? m[i * r + j] / norm : 0
  }
}

/**
 * The best rank-r approximation of a matrix, found by subspace iteration from a seeded start
 * (PowerSGD's idea, with `iterations` rounds instead of one warm-started step): Q spans the top
 * right singular vectors, P = M·Q. Miner-side only: validators just multiply the factors back.
 */
export function lowRankFactors(
  m: Float32Array,
  rows: number,
  cols: number,
  rank: number,
  iterations = 2,
  seed = 0,
): LowRankFactors {
  const r = Math.min(rank, rows, cols)
  const rng = createRng(seedBytes('crowdtrain:low-rank', seed, rows, cols))
  let q: Float64Array = new Float64Array(cols * r)
  for (let i = 0; i < q.length; i++) q[i] = rng.next() - 0.5
  orthonormalize(q, cols, r)
  for (let it = 0; it < iterations; it++) {
    const p = matmul(m, q, rows, cols, r)
    orthonormalize(p, rows, r)
    q = matmul(m, p, cols, rows, r, true)
    orthonormalize(q, cols, r)
  }
  const p = matmul(m, q, rows, cols, r)
  return { rows, cols, rank: r, p: Float32Array.from(p), q: Float32Array.from(q) }
}

/** P·Qᵀ in float32, each element summed over the rank in ascending order with Math.fround (PROTOCOL). */
export function expandLowRank(f: LowRankFactors): Float32Array {
  const out = new Float32Array(f.rows * f.cols)
  for (let i = 0; i < f.rows; i++)
    for (let j = 0; j < f.cols; j++) {
      let s = 0
      for (let k = 0; k < f.rank; k++) s = Math.fround(s + Math.fround(f.p[i * f.rank + k] * f.q[j * f.rank + k]))
      out[i * f.cols + j] = s
    }
  return out
}
