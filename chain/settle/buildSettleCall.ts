import type { ApiPromise } from '@polkadot/api'
import type { AnyTuple, CallBase } from '@polkadot/types/types'

import { encodeAddress } from '@polkadot/util-crypto'
import { SS58_PREFIX } from '../../shared/keys/index.ts'
import { InvalidSettleCallError } from '../errors.ts'
import { accountHex } from './multisigAddress.ts'

/** A decoded call of any pallet. */
type Call = CallBase<AnyTuple>

/** One beneficiary's reward for the round, in the subnet asset's smallest unit. */
export type Payout = { address: string; amount: bigint }

/** The inputs of `buildSettleCall`. */
export type BuildSettleCallParameters = {
  api: ApiPromise
  netuid: number
  round: number
  /** CID of the round ledger (design §5), stored as item `round`'s metadata. */
  ledgerCid: string
  treasury: string
  assetId: number
  payouts: readonly Payout[]
  /** Refuse more approvals than this (default 1,000: 1,227 fit the dev runtime's block, design §6). */
  maxApprovals?: number
}

/** Approvals one settle may carry by default: under the measured 1,227 with a margin. */
export const MAX_APPROVALS_PER_SETTLE = 1000

/** The settle call and what it pays. */
export type BuildSettleCallReturnType = {
  /** `proxy.proxy(treasury, None, batchAll([...]))`: what the multisig dispatches. */
  call: Call
  callHash: string
  total: bigint
  /** Merged, non-zero, in the call's order (by account public key). */
  approvals: Payout[]
}

/**
 * The deterministic settle call of design §5: mint item `round` of class `netuid` with the ledger
 * CID as metadata (a second mint fails, so a round pays once), mint the total to the treasury and
 * approve each beneficiary's amount (pulled later with `assets.transferApproved`: an approval
 * never fails for an account without native balance, a mint to it would). Two validators with the
 * same inputs get the same bytes: payouts are merged per account, zeros dropped, and ordered by
 * public key whatever order they came in.
 */
export function buildSettleCall(p: BuildSettleCallParameters): BuildSettleCallReturnType {
  const { api } = p
  const approvals = mergePayouts(p.payouts)
  const max = p.maxApprovals ?? MAX_APPROVALS_PER_SETTLE
  if (approvals.length > max) {
    throw new InvalidSettleCallError(
      `${approvals.length} approvals exceed the ${max} one settle may carry (block weight)`,
    )
  }
  const total = approvals.reduce((s, a) => s + a.amount, 0n)
  const calls: Call[] = [
    api.tx.uniques.mint(p.netuid, p.round, p.treasury).method,
    api.tx.uniques.setMetadata(p.netuid, p.round, p.ledgerCid, false).method,
  ]
  if (total > 0n) calls.push(api.tx.assets.mint(p.assetId, p.treasury, total).method)
  for (const a of approvals) calls.push(api.tx.assets.approveTransfer(p.assetId, a.address, a.amount).method)
  const call = api.tx.proxy.proxy(p.treasury, null, api.tx.utility.batchAll(calls)).method
  return { call, callHash: call.hash.toHex(), total, approvals }
}

/** Sums payouts per account, drops zeros, sorts by public key; throws on a negative amount. */
export function mergePayouts(payouts: readonly Payout[]): Payout[] {
  const byKey = new Map<string, bigint>()
  for (const p of payouts) {
    if (p.amount < 0n) throw new InvalidSettleCallError(`negative payout ${p.amount} to ${p.address}`)
    const key = accountHex(p.address)
    byKey.set(key, (byKey.get(key) ?? 0n) + p.amount)
  }
  return [...byKey.entries()]
    .filter(([, amount]) => amount > 0n)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, amount]) => ({ address: encodeAddress(`0x${key}`, SS58_PREFIX), amount }))
}
