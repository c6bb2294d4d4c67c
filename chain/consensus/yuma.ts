import { InvalidConsensusInputError } from './errors.ts'
import { colNormalize, div, fromU16, mul, normalize, ONE } from './fixed.ts'
import { weightedMedian } from './weightedMedian.ts'

/**
 * The inputs of one Yuma epoch, over ONE uid space of `n` uids (as subtensor): validators and
 * miners are both uids; miners simply have zero stake and no weights, validators get (near) zero
 * incentive because nobody weights them (self-weights are dropped; `buildWeights` drops weights
 * to non-miners).
 */
export type YumaParameters = {
  /** Stake per uid in token units (the stake snapshot); miners 0. Normalised over revealed validators. */
  stake: readonly bigint[]
  /** n × n u16 weights, row = the validator uid setting them, column = the uid weighted. */
  weights: readonly (readonly number[])[]
  /** Per uid: revealed its weights this round (only those rows and stakes count). */
  revealed: readonly boolean[]
  /** Previous bonds, n × n I32F32 (from the last settled ledger); null on the first round. */
  bondsPrev: readonly (readonly bigint[])[] | null
  /** κ as u16 (default 32767 ≈ 0.5). */
  kappa: number
  /** Bonds penalty p as u16 (default 65535 = 1). */
  bondsPenalty: number
  /** Bonds moving average in parts per million (default 900000). */
  bondsMovingAverage: number
}

/** Every intermediate of the epoch, all I32F32 (integer × 2⁻³²), indexed by uid. */
export type YumaReturnType = {
  /** S: stake normalised over the validators that revealed. */
  stake: bigint[]
  /** W: row-normalised weights, self-weights dropped, non-revealed rows zero. */
  weights: bigint[][]
  /** C_j: the stake-weighted median at κ of column j. */
  consensus: bigint[]
  /** Wc = min(W, C). */
  clipped: bigint[][]
  /** Row sums of Wc: how much of a validator's weight survived clipping. */
  validatorTrust: bigint[]
  /** Subtensor's (miner) trust: R_j / (W·S)_j, the share of a column's support kept after clipping. */
  trust: bigint[]
  /** R_j = Σ_i S_i·Wc_ij (not normalised). */
  rank: bigint[]
  /** I = R normalised. */
  incentive: bigint[]
  /** B: the new bonds, column-normalised (store them for the next round). */
  bonds: bigint[][]
  /** D = B·I normalised. */
  dividends: bigint[]
}

/**
 * Yuma consensus, subtensor's `epoch` (default path, Yuma2 bonds, liquid alpha off), step by step
 * as design §5 states it, in I32F32 BigInt: mul floors, div truncates, x/0 = 0.
 *  1. S_i = stake_i / Σ stake over revealed validators (one truncating division from the integers);
 *  2. W: self-weights dropped, each revealed row divided by its sum;
 *  3. C_j = weighted median of column j at κ over validators with S_i > 0;
 *  4. Wc = min(W, C); validator trust = Σ_j Wc_ij;
 *  5. R = Wcᵀ·S (each product floored, then summed); I = normalise(R); trust = R / (Wᵀ·S);
 *  6. Wb = W + p·(Wc − W) (p = 1 → Wc, p = 0 → W exactly, as subtensor's `interpolate`);
 *  7. ΔB_ij = Wb_ij·S_i, column-normalised; B = α·ΔB + (1 − α)·colnorm(Bprev), α = 1 − bma/10⁶
 *     (the fraction bma/10⁶ truncated first), column-normalised;
 *  8. D_i = Σ_j B_ij·I_j, normalised.
 */
export function yuma(params: YumaParameters): YumaReturnType {
  const n = params.stake.length
  check(params, n)
  const { revealed } = params
  // Only rows of validators that revealed or hold bonds can be non-zero in W, Wc, ΔB and B; every
  // other row is zero throughout, so the matrices are computed on those rows (`rows[k]` = uid) and
  // padded at the end. The integers are the same as on the full n × n matrices.
  const rows = Array.from({ length: n }, (_, i) => i).filter(
    (i) => revealed[i] || (params.bondsPrev?.[i].some((b) => b !== 0n) ?? false),
  )
  // 1. Stake of the validators whose rows count.
  const active = params.stake.map((s, i) => revealed[i] && s > 0n)
  let total = 0n
  for (let i = 0; i < n; i++) if (active[i]) total += params.stake[i]
  const S = params.stake.map((s, i) => (active[i] ? div(s, total) : 0n))
  const Sr = rows.map((i) => S[i])
  // 2. Weights: drop the diagonal, normalise rows.
  const W = rows.map((i) =>
    revealed[i] ? normalize(params.weights[i].map((w, j) => (i === j ? 0n : BigInt(w)))) : zeros(n),
  )
  // 3. Consensus at κ, over the validators with stake.
  const kappa = fromU16(params.kappa)
  const voters = rows.map((_, k) => k).filter((k) => Sr[k] > 0n)
  const voterStake = voters.map((k) => Sr[k])
  const C = Array.from({ length: n }, (_, j) =>
    weightedMedian(
      voterStake,
      voters.map((k) => W[k][j]),
      kappa,
    ),
  )
  // 4. Clip to consensus.
  const Wc = W.map((row) => row.map((w, j) => minOf(w, C[j])))
  // 5. Rank, incentive, trust.
  const preranks = matVec(W, Sr, n)
  const R = matVec(Wc, Sr, n)
  const trust = R.map((r, j) => div(r, preranks[j]))
  const I = normalize(R)
  // 6. Bond weights.
  const p = fromU16(params.bondsPenalty)
  const Wb = p === ONE ? Wc : p === 0n ? W : W.map((row, k) => row.map((w, j) => w + mul(p, Wc[k][j] - w)))
  // 7. Bonds: EMA of the column-normalised stake-weighted bond weights.
  const deltaB = colNormalize(Wb.map((row, k) => row.map((w) => mul(w, Sr[k]))))
  const alpha = ONE - div(BigInt(params.bondsMovingAverage), 1_000_000n)
  const keep = ONE - alpha
  const prev = params.bondsPrev ? colNormalize(rows.map((i) => [...(params.bondsPrev as bigint[][])[i]])) : null
  const B = colNormalize(deltaB.map((row, k) => row.map((d, j) => mul(alpha, d) + (prev ? mul(keep, prev[k][j]) : 0n))))
  // 8. Dividends.
  const Dr = B.map((row) => row.reduce((acc, b, j) => acc + mul(b, I[j]), 0n))
  const D = zeros(n)
  rows.forEach((i, k) => {
    D[i] = Dr[k]
  })
  const pad = (m: bigint[][]) => {
    const out = Array.from({ length: n }, () => zeros(n))
    rows.forEach((i, k) => {
      out[i] = m[k]
    })
    return out
  }
  const clipped = pad(Wc)
  return {
    stake: S,
    weights: pad(W),
    consensus: C,
    clipped,
    validatorTrust: clipped.map((row) => row.reduce((a, b) => a + b, 0n)),
    trust,
    rank: R,
    incentive: I,
    bonds: pad(B),
    dividends: normalize(D),
  }
}

function zeros(n: number): bigint[] {
  return new Array<bigint>(n).fill(0n)
}

/** The smaller of two bigints (Math.min takes numbers only). */
function minOf(a: bigint, b: bigint): bigint {
  return a < b ? a : b
}

/** (Mᵀ·v)_j = Σ_i floor(v_i·M_ij): subtensor's `matmul` of a row-per-validator matrix. */
function matVec(m: bigint[][], v: bigint[], n: number): bigint[] {
  const out = zeros(n)
  for (let i = 0; i < m.length; i++) {
    if (v[i] === 0n) continue
    for (let j = 0; j < n; j++) out[j] += mul(v[i], m[i][j])
  }
  return out
}

function check(params: YumaParameters, n: number): void {
  const fail = (reason: string) => {
    throw new InvalidConsensusInputError(reason)
  }
  if (params.revealed.length !== n) fail(`revealed has ${params.revealed.length} entries for ${n} uids`)
  if (params.weights.length !== n) fail(`weights has ${params.weights.length} rows for ${n} uids`)
  params.stake.forEach((s, i) => {
    if (typeof s !== 'bigint' || s < 0n) fail(`stake of uid ${i} is not a non-negative bigint`)
  })
  params.weights.forEach((row, i) => {
    if (row.length !== n) fail(`weights row ${i} has ${row.length} columns for ${n} uids`)
    for (const w of row)
      if (!Number.isInteger(w) || w < 0 || w > 65535) fail(`weights row ${i} has a non-u16 value ${w}`)
  })
  if (params.bondsPrev) {
    if (params.bondsPrev.length !== n) fail(`bondsPrev has ${params.bondsPrev.length} rows for ${n} uids`)
    params.bondsPrev.forEach((row, i) => {
      if (row.length !== n) fail(`bondsPrev row ${i} has ${row.length} columns for ${n} uids`)
      for (const b of row)
        if (typeof b !== 'bigint' || b < 0n) fail(`bondsPrev row ${i} has a negative or non-bigint value`)
    })
  }
  for (const [name, v, max] of [
    ['kappa', params.kappa, 65535],
    ['bondsPenalty', params.bondsPenalty, 65535],
    ['bondsMovingAverage', params.bondsMovingAverage, 1_000_000],
  ] as const) {
    if (!Number.isInteger(v) || v < 0 || v > max) fail(`${name} must be an integer in [0, ${max}], got ${v}`)
  }
}
