/** The inputs of `carriedVoidRounds`. */
export type CarriedVoidRoundsParameters = {
  /** The round being settled. */
  round: number
  /** The newest round settled before it (in the state its settlement is computed from), or null. */
  parentRound: number | null
  /** Rounds settled in that state. */
  settled: ReadonlySet<number>
  /** Whether a round had anything to settle (a counted weights reveal): idle rounds carry nothing. */
  hadReveals: (round: number) => boolean
}

/**
 * The void rounds whose emission round `round` carries over (design §2: a round not settled before
 * the end of the next round is void, its emission carried over). Round r carries the void rounds
 * in (p − 2, r − 2], p its parent round: every round up to r − 2 is decided (void or settled) by the
 * time r's inputs are read, r − 1 may still settle, and the parent p carried those up to p − 2. So
 * each void round is carried once, by the first round settled two or more rounds after it. Rounds
 * before the network had anything to settle (no weights reveal) are not void: nothing was at stake.
 * A pure function of chain data read at one block, so every validator computes the same emission.
 */
export function carriedVoidRounds(p: CarriedVoidRoundsParameters): number[] {
  const out: number[] = []
  const from = Math.max(0, (p.parentRound ?? -1) - 1)
  for (let q = from; q <= p.round - 2; q++) if (!p.settled.has(q) && p.hadReveals(q)) out.push(q)
  return out
}
