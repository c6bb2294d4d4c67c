import { resizeBonds } from './bonds.ts'
import { buildWeights } from './buildWeights.ts'
import { InvalidConsensusInputError } from './errors.ts'
import { toU16 } from './fixed.ts'
import { type PayoutsReturnType, payouts } from './payouts.ts'
import { type YumaReturnType, yuma } from './yuma.ts'

/** The inputs of `roundConsensus`: what a round ledger holds, plus the subnet's parameters. */
export type RoundConsensusParameters = {
  /** The metagraph (uid and role of every member). */
  members: readonly { uid: number; role: 'miner' | 'validator' }[]
  /** Stake snapshot per validator uid (token units); missing = 0. Miners' stake is ignored. */
  stake: ReadonlyMap<number, bigint>
  /** Counted weights reveals (from `collectRound`). */
  reveals: readonly { uid: number; weights: readonly (readonly [number, number])[] }[]
  /** Bonds of the last settled round (any size up to n), or null. */
  bondsPrev: readonly (readonly bigint[])[] | null
  /** Uids handed to a new hotkey since the last settled round: their bonds start from zero. */
  replacedUids?: Iterable<number>
  /** The `consensus` section of the config. */
  consensus: { kappa: number; bondsPenalty: number; bondsMovingAverage: number }
  /** Emission of the round and its split, to compute payouts as well. */
  emission?: { total: bigint; split: { owner: number; miners: number; validators: number } }
}

/** Yuma's output plus the u16 forms subtensor shows and, when asked, the payouts. */
export type RoundConsensusReturnType = YumaReturnType & {
  n: number
  u16: { consensus: number[]; incentive: number[]; dividends: number[]; trust: number[]; validatorTrust: number[] }
  payouts?: PayoutsReturnType
}

/**
 * One round's consensus from the metagraph and the counted reveals: the uid space is 0..max uid,
 * only validators hold stake, only miners can be weighted, previous bonds are padded to the
 * current size and cleared for replaced uids; then `yuma` and, with `emission`, `payouts`.
 */
export function roundConsensus(params: RoundConsensusParameters): RoundConsensusReturnType {
  const n = params.members.reduce((max, m) => Math.max(max, m.uid + 1), 0)
  const role = new Map(params.members.map((m) => [m.uid, m.role]))
  if (role.size !== params.members.length) throw new InvalidConsensusInputError('two members share a uid')
  for (const r of params.reveals) {
    if (role.get(r.uid) !== 'validator')
      throw new InvalidConsensusInputError(`uid ${r.uid} revealed weights but is not a validator`)
  }
  const minerUids = new Set(params.members.filter((m) => m.role === 'miner').map((m) => m.uid))
  const { weights, revealed } = buildWeights({ n, reveals: params.reveals, minerUids })
  const stake = Array.from({ length: n }, (_, uid) =>
    role.get(uid) === 'validator' ? (params.stake.get(uid) ?? 0n) : 0n,
  )
  const bondsPrev = params.bondsPrev ? resizeBonds(params.bondsPrev, n, params.replacedUids) : null
  const out = yuma({ stake, weights, revealed, bondsPrev, ...params.consensus })
  const u16 = {
    consensus: out.consensus.map(toU16),
    incentive: out.incentive.map(toU16),
    dividends: out.dividends.map(toU16),
    trust: out.trust.map(toU16),
    validatorTrust: out.validatorTrust.map(toU16),
  }
  const result: RoundConsensusReturnType = { ...out, n, u16 }
  if (params.emission) {
    result.payouts = payouts({ ...params.emission, incentive: out.incentive, dividends: out.dividends })
  }
  return result
}
