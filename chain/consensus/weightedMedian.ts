/**
 * Stake-weighted median at κ (subtensor's `weighted_median` semantics): with
 * minority = Σ stake − κ, the smallest score v whose cumulative stake Σ{stake_k : score_k ≤ v}
 * exceeds minority; the largest score when none does; 0 with no voters. When Σ stake = 1 this is
 * the largest v that voters holding at least κ of stake give at least. Stakes must be > 0; a voter
 * that gave no weight to the column counts with score 0.
 */
export function weightedMedian(stake: readonly bigint[], score: readonly bigint[], majority: bigint): bigint {
  if (stake.length === 0) return 0n
  let total = 0n
  for (const s of stake) total += s
  const minority = total - majority
  const order = score.map((_, k) => k).sort((a, b) => (score[a] < score[b] ? -1 : score[a] > score[b] ? 1 : a - b))
  let cum = 0n
  for (let k = 0; k < order.length; k++) {
    cum += stake[order[k]]
    const v = score[order[k]]
    // Equal scores move together: test only after the last voter with this score.
    if (k + 1 < order.length && score[order[k + 1]] === v) continue
    if (cum > minority) return v
  }
  return score[order[order.length - 1]]
}
