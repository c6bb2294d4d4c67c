/** The inputs of `carriedVoidRounds`. */
export type CarriedVoidRoundsParameters = {
  /** The round being settled. */
  round: number
  /** Rounds settled in the state its settlement is computed from (its weights-reveal grace end). */
  settled: ReadonlySet<number>
  /** Whether a round had anything to settle (a counted weights reveal): idle rounds carry nothing. */
  hadReveals: (round: number) => boolean
}

/**
 * The void rounds whose emission round `round` carries over (design §2: a round not settled before
 * the end of the next round is void, its emission carried over). Void round q is carried by round
 * q + 2, or, if that one is not settled either, by q + 4, and so on: round r carries r − 2, r − 4, ...
 * down to the newest settled round of that chain. Every round up to r − 2 is decided (void or
 * settled) by the time r's inputs are read, while r − 1 may still settle after that; so no round
 * carries what r − 1 might (the rule before this one let r and a late-settling r − 1 both carry the
 * same void round). Each void round is carried once, by the first settled round of its chain. Rounds
 * before the network had anything to settle (no weights reveal) are not void: nothing was at stake.
 * A pure function of chain data read at one block, so every validator computes the same emission.
 */
export function carriedVoidRounds(p: CarriedVoidRoundsParameters): number[] {
  const out: number[] = []
  for (let q = p.round - 2; q >= 0 && !p.settled.has(q); q -= 2) if (p.hadReveals(q)) out.unshift(q)
  return out
}
