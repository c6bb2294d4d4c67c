import type { AnyTuple, CallBase } from '@polkadot/types/types'

import { describeError } from '../../shared/errors/index.ts'
import { decodeSettleCall, type SettleCallParts } from './decodeSettleCall.ts'

/** A decoded call of any pallet. */
type Call = CallBase<AnyTuple>

/**
 * What differs between our settle call and a proposed one, in words; empty when they are the same
 * call (same hash). Used before approving: a validator approves only the call it computed itself.
 */
export function compareSettleCalls(ours: Call, proposed: Call): string[] {
  if (ours.hash.toHex() === proposed.hash.toHex()) return []
  let a: SettleCallParts
  let b: SettleCallParts
  try {
    a = decodeSettleCall(ours)
    b = decodeSettleCall(proposed)
  } catch (err) {
    return [`the proposed call is not a settle call we can read (${describeError(err)})`]
  }
  const out: string[] = []
  const field = (name: string, x: unknown, y: unknown) => {
    if (String(x) !== String(y)) out.push(`${name}: ours ${String(x)}, proposed ${String(y)}`)
  }
  field('treasury', a.treasury, b.treasury)
  field('netuid', a.netuid, b.netuid)
  field('round', a.round, b.round)
  field('ledger CID', a.ledgerCid, b.ledgerCid)
  field('asset id', a.assetId, b.assetId)
  field('total minted', a.total, b.total)
  const mine = new Map(a.approvals.map((p) => [p.address, p.amount]))
  const theirs = new Map(b.approvals.map((p) => [p.address, p.amount]))
  for (const [address, amount] of mine) {
    const other = theirs.get(address)
    if (other === undefined) out.push(`approval to ${address}: ours ${amount}, missing from the proposal`)
    else if (other !== amount) out.push(`approval to ${address}: ours ${amount}, proposed ${other}`)
  }
  for (const [address, amount] of theirs) {
    if (!mine.has(address)) out.push(`approval to ${address}: proposed ${amount}, not in ours`)
  }
  if (out.length === 0)
    out.push('same payouts, but the calls are encoded differently (order of approvals or call form)')
  return out
}
