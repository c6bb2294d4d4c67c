import { InvalidConsensusInputError } from './errors.ts'
import { fromU16 } from './fixed.ts'

/** The inputs of `stakeQuorum`. */
export type StakeQuorumParameters = {
  /** Normalised stake per uid, I32F32 (Yuma's `stake` output: revealed validators only). */
  stake: readonly bigint[]
  /** Per validator uid, the uids it vouches for (e.g. deltas its score report lists as fetched and valid). */
  approvals: ReadonlyMap<number, ReadonlySet<number>>
  /** κ as u16 (config `consensus.kappa`). */
  kappa: number
}

/**
 * The uids vouched for by validators holding at least κ of the stake (design §4, *accepted*
 * deltas): Σ stake of the approving validators ≥ κ, in I32F32 integers. Sorted ascending.
 * A delta that only some validators could fetch is then accepted or refused by all alike.
 */
export function stakeQuorum(params: StakeQuorumParameters): number[] {
  if (!Number.isInteger(params.kappa) || params.kappa < 0 || params.kappa > 65535) {
    throw new InvalidConsensusInputError(`kappa must be a u16, got ${params.kappa}`)
  }
  const kappa = fromU16(params.kappa)
  const support = new Map<number, bigint>()
  for (const [validator, uids] of params.approvals) {
    const s = params.stake[validator] ?? 0n
    if (s === 0n) continue
    for (const uid of uids) support.set(uid, (support.get(uid) ?? 0n) + s)
  }
  return [...support]
    .filter(([, s]) => s >= kappa)
    .map(([uid]) => uid)
    .sort((a, b) => a - b)
}
