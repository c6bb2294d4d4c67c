import { InvalidSplitError } from './errors.ts'

/** Shares of a round's emission in basis points; they must add up to 10,000. */
export type EmissionSplit = { owner: number; miners: number; validators: number }

/**
 * Splits `amount` in proportion to `shares` exactly: each part gets floor(amount·share/Σ), and the
 * units left over go one each to the largest remainders, ties to the lower index (uid). All zero
 * shares give all zero parts (the caller decides what happens to `amount`).
 */
export function largestRemainder(amount: bigint, shares: readonly bigint[]): bigint[] {
  if (amount < 0n) throw new InvalidSplitError(`amount ${amount} is negative`)
  let total = 0n
  for (const s of shares) {
    if (s < 0n) throw new InvalidSplitError(`a share is negative (${s})`)
    total += s
  }
  if (total === 0n) return shares.map(() => 0n)
  const parts = shares.map((s) => (amount * s) / total)
  let left = amount - parts.reduce((a, b) => a + b, 0n)
  const order = shares
    .map((s, k) => ({ k, rem: (amount * s) % total }))
    .sort((a, b) => (a.rem > b.rem ? -1 : a.rem < b.rem ? 1 : a.k - b.k))
  for (const { k } of order) {
    if (left === 0n) break
    parts[k] += 1n
    left -= 1n
  }
  return parts
}

/** The owner / miners / validators pools of one round by largest remainder (ties in that order). */
export function splitEmission(params: { total: bigint; split: EmissionSplit }): {
  owner: bigint
  miners: bigint
  validators: bigint
} {
  const { owner, miners, validators } = params.split
  for (const [name, bps] of Object.entries(params.split)) {
    if (!Number.isInteger(bps) || bps < 0)
      throw new InvalidSplitError(`${name} share ${bps} is not a whole number of bps`)
  }
  if (owner + miners + validators !== 10_000) {
    throw new InvalidSplitError(`owner + miners + validators is ${owner + miners + validators} bps, not 10,000`)
  }
  const [o, m, v] = largestRemainder(params.total, [BigInt(owner), BigInt(miners), BigInt(validators)])
  return { owner: o, miners: m, validators: v }
}

/** The inputs of `payouts`. */
export type PayoutsParameters = {
  /** The round's emission in the asset's smallest unit. */
  total: bigint
  split: EmissionSplit
  /** Yuma incentive per uid (I32F32): weights of the miners pool. */
  incentive: readonly bigint[]
  /** Yuma dividends per uid (I32F32): weights of the validators pool. */
  dividends: readonly bigint[]
}

/** Who gets what for one round. `owner + Σ byUid + unallocated = total` exactly. */
export type PayoutsReturnType = {
  owner: bigint
  /** Non-zero amounts only, keyed by uid, in ascending uid order. */
  byUid: Map<number, bigint>
  /** A pool with nobody to pay (all incentive or all dividends zero): not minted, carried over. */
  unallocated: bigint
}

/**
 * The round's payouts (design §5): the owner's cut, then the miners pool by incentive and the
 * validators pool by dividends, each by largest remainder (ties by uid). With both sides normalised
 * this equals design §5's miner share I/Σ(I+D) and validator share D/Σ(I+D) when miners and
 * validators get equal bps (Bittensor's 41/41), and stays exact in integers.
 */
export function payouts(params: PayoutsParameters): PayoutsReturnType {
  const pools = splitEmission(params)
  const toMiners = largestRemainder(pools.miners, params.incentive)
  const toValidators = largestRemainder(pools.validators, params.dividends)
  const n = Math.max(toMiners.length, toValidators.length)
  const byUid = new Map<number, bigint>()
  let paid = 0n
  for (let uid = 0; uid < n; uid++) {
    const amount = (toMiners[uid] ?? 0n) + (toValidators[uid] ?? 0n)
    if (amount > 0n) byUid.set(uid, amount)
    paid += amount
  }
  return { owner: pools.owner, byUid, unallocated: params.total - pools.owner - paid }
}
