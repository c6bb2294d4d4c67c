import { InvalidConsensusInputError } from './errors.ts'

/** The inputs of `buildWeights`. */
export type BuildWeightsParameters = {
  /** Number of uids (the metagraph size: highest uid + 1). */
  n: number
  /** Counted weights reveals (from `collectRound`). */
  reveals: readonly { uid: number; weights: readonly (readonly [number, number])[] }[]
  /** When given, weights to any other uid are dropped: only miners earn incentive. */
  minerUids?: ReadonlySet<number>
}

/**
 * The dense n × n u16 weight matrix and the revealed flags Yuma takes. Weights to uids outside the
 * metagraph (or, with `minerUids`, to non-miners) are dropped, since a vacant or validator uid has
 * no delta to reward; self-weights are left for `yuma` to drop.
 */
export function buildWeights(params: BuildWeightsParameters): { weights: number[][]; revealed: boolean[] } {
  const { n } = params
  if (!Number.isInteger(n) || n < 0) throw new InvalidConsensusInputError(`n must be a non-negative integer, got ${n}`)
  const weights = Array.from({ length: n }, () => new Array<number>(n).fill(0))
  const revealed = new Array<boolean>(n).fill(false)
  for (const reveal of params.reveals) {
    if (!Number.isInteger(reveal.uid) || reveal.uid < 0 || reveal.uid >= n) {
      throw new InvalidConsensusInputError(`a weights reveal from uid ${reveal.uid}, outside the ${n} uids`)
    }
    if (revealed[reveal.uid]) throw new InvalidConsensusInputError(`two weights reveals from uid ${reveal.uid}`)
    revealed[reveal.uid] = true
    for (const [j, w] of reveal.weights) {
      if (j >= n || (params.minerUids && !params.minerUids.has(j))) continue
      weights[reveal.uid][j] = w
    }
  }
  return { weights, revealed }
}
