/**
 * I32F32 fixed point on BigInt, as subtensor's `epoch` computes (design §5): a fraction is an
 * integer × 2⁻³². Every rounding is written here once, so all validators truncate alike.
 */

/** The number of fractional bits. */
export const FRAC_BITS = 32n
/** 1.0 in I32F32. */
export const ONE = 1n << FRAC_BITS
/** The largest u16, the scale of u16 proportions. */
export const U16_MAX = 65535n

/** a·b, floored (an arithmetic shift, so negative products round toward −∞ as well). */
export function mul(a: bigint, b: bigint): bigint {
  return (a * b) >> FRAC_BITS
}

/** a/b truncated toward zero; x/0 = 0 (subtensor's `vecdiv` and normalise guards). */
export function div(a: bigint, b: bigint): bigint {
  if (b === 0n) return 0n
  return (a << FRAC_BITS) / b
}

/** The integer n as I32F32. */
export function fromInt(n: number | bigint): bigint {
  return BigInt(n) << FRAC_BITS
}

/** The u16 proportion u/65535 as I32F32 (truncated), e.g. kappa and bonds_penalty. */
export function fromU16(u: number): bigint {
  return div(BigInt(u), U16_MAX)
}

/** The fraction x ∈ [0, 1] as a u16: floor(x·65535), clamped to [0, 65535]. */
export function toU16(x: bigint): number {
  const v = (x * U16_MAX) >> FRAC_BITS
  return Number(v < 0n ? 0n : v > U16_MAX ? U16_MAX : v)
}

/** An I32F32 value as a JavaScript number, for display only (never for consensus). */
export function toFloat(x: bigint): number {
  return Number(x) / 2 ** 32
}

/** Sum of a vector. */
export function sum(v: readonly bigint[]): bigint {
  let s = 0n
  for (const x of v) s += x
  return s
}

/** x_i / Σx (each truncated); a zero vector stays zero (subtensor's `inplace_normalize`). */
export function normalize(v: readonly bigint[]): bigint[] {
  const s = sum(v)
  return s === 0n ? [...v] : v.map((x) => div(x, s))
}

/** Each column divided by its sum (truncated); zero columns stay zero. */
export function colNormalize(m: readonly (readonly bigint[])[]): bigint[][] {
  const cols = m[0]?.length ?? 0
  const sums = new Array<bigint>(cols).fill(0n)
  for (const row of m) for (let j = 0; j < cols; j++) sums[j] += row[j]
  return m.map((row) => row.map((x, j) => div(x, sums[j])))
}
