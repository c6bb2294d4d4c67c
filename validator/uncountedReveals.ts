import {
  accountId,
  type DeltaRevealEntry,
  type IgnoredRemark,
  type Member,
  parseRecord,
  type RawRemark,
} from '../chain/protocol/index.ts'
import { shortReason } from './fetchDelta.ts'
import { type DeltaMeasurement, REASONS } from './scoreRound.ts'

/** The inputs of `uncountedReveals`. */
export type UncountedRevealsParameters = {
  round: number
  netuid: number
  /** What `collectRound` ignored in the round's blocks up to the reveal window's end. */
  ignored: readonly IgnoredRemark[]
  /** The same blocks' remarks (to read the ignored reveals' CIDs). */
  remarks: readonly RawRemark[]
  /** Registered miners. */
  miners: readonly Member[]
  /** The counted reveals: a miner with one gets no extra row. */
  counted: readonly DeltaRevealEntry[]
}

/**
 * Report rows for miners whose delta reveal landed on chain but did not count (no matching commit,
 * another shard, a CID that does not match the commit…): score zero, the reason named
 * `no-counted-reveal: <collectRound's reason>`, so a miner that copied a CID late or forgot to
 * commit sees why in every score report. One row per miner (its first ignored reveal), ascending
 * uid; a pure function of chain data, so every validator writes the same rows.
 */
export function uncountedReveals(p: UncountedRevealsParameters): DeltaMeasurement[] {
  const minerOf = new Map(p.miners.filter((m) => m.role === 'miner').map((m) => [accountId(m.hotkey), m]))
  const counted = new Set(p.counted.map((c) => c.uid))
  const at = new Map(p.remarks.map((r) => [`${r.block}:${r.index}:${accountId(r.signer)}`, r]))
  const out = new Map<number, DeltaMeasurement>()
  for (const i of p.ignored) {
    const miner = minerOf.get(accountId(i.signer))
    if (!miner || counted.has(miner.uid) || out.has(miner.uid)) continue
    const remark = at.get(`${i.block}:${i.index}:${accountId(i.signer)}`)
    const parsed = remark ? parseRecord(remark.text) : undefined
    if (!parsed?.ok || parsed.record.t !== 'delta-reveal') continue
    if (parsed.record.netuid !== p.netuid || parsed.record.round !== p.round) continue
    out.set(miner.uid, {
      uid: miner.uid,
      hotkey: miner.hotkey,
      cid: parsed.record.cid,
      shard: parsed.record.shard,
      fetched: false,
      valid: false,
      reason: shortReason(`${REASONS.noCountedReveal}: ${i.reason}`),
    })
  }
  return [...out.values()].sort((a, b) => a.uid - b.uid)
}
