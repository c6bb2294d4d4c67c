/**
 * Float32 arithmetic written out so that every validator gets the same bits (design.md §4):
 * each operation is rounded to float32 with Math.fround, sums run in a fixed order, and only
 * correctly rounded IEEE operations are used (+, −, ×, ÷, sqrt) — no exp or pow.
 */
const f = Math.fround

/** Σ x_i² accumulated in float32, in index order. */
export function sumSquares(data: Float32Array): number {
  let acc = 0
  for (let i = 0; i < data.length; i++) acc = f(acc + f(data[i] * data[i]))
  return acc
}

/** The L2 norm of several arrays together, in float32 (array order, then index order). */
export function norm(arrays: readonly Float32Array[]): number {
  let acc = 0
  for (const a of arrays) acc = f(acc + sumSquares(a))
  return f(Math.sqrt(acc))
}

/** out[i] = out[i] + w·x[i], each step rounded to float32. */
export function axpy(out: Float32Array, w: number, x: Float32Array): void {
  const wf = f(w)
  for (let i = 0; i < out.length; i++) out[i] = f(out[i] + f(wf * x[i]))
}

/** Scales in place by s (float32). */
export function scale(x: Float32Array, s: number): void {
  const sf = f(s)
  for (let i = 0; i < x.length; i++) x[i] = f(x[i] * sf)
}

/** Float32 quotient a / b. */
export function div(a: number, b: number): number {
  return f(f(a) / f(b))
}
