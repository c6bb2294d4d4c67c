import type { BaseDownload } from './readProgress.ts'
/** The parts of a round ledger (docs/network.md) the devnet summary reads. */
export type LedgerView = {
  netuid: number
  round: number
  checkpoint: string
  reportLoss: { before: number; after: number }
  metagraph: readonly { uid: number; hotkey: string; role: 'miner' | 'validator' }[]
  revealed: readonly number[]
  weights: readonly (readonly [number, readonly (readonly [number, number])[]])[]
  consensus: { incentive: readonly (readonly [number, number])[]; dividends: readonly (readonly [number, number])[] }
  accepted: readonly { uid: number }[]
  /** Score report CIDs by validator uid. */
  reports: readonly (readonly [number, string])[]
  payouts: readonly { uid: number; address: string; amount: string }[]
  owner: string
  emission: string
  unallocated: string
}

/** What one validator's signed score report said of a miner, where it gave a reason. */
export type MinerReason = {
  /** The validator's devnet name, else its hotkey. */
  validator: string
  score: number
  reason: string
}

/** The rows of a score report the summary reads (chain/ledger ScoreReport). */
export type ReportView = { rows: readonly { uid: number; score: number; reason?: string }[] }

/** One miner's line of a round. */
export type MinerSummary = {
  uid: number
  hotkey: string
  /** The devnet's name for it (`miner-0`), when the devnet spawned it. */
  name?: string
  /** Its delta reveal counted on chain this round. */
  revealed: boolean
  /**
   * Its delta was accepted (listed fetched and valid by validators holding κ of the stake, design §4);
   * it reaches the checkpoint only with a positive consensus weight (`incentive`), among its shard's top G.
   */
  accepted: boolean
  /** Mean of the validators' revealed weights for this miner, 0..1. */
  score: number
  /** Consensus incentive, 0..1. */
  incentive: number
  /** Subnet asset approved to this miner for the round (smallest unit, decimal). */
  reward: string
  /** True when this round's reward has been claimed: what is still approved is at most the later rounds' rewards. */
  claimed: boolean
  /** Reasons the validators' score reports gave (every zero has one); absent when none did. */
  reasons?: MinerReason[]
  /**
   * What it downloaded to get this round's base checkpoint, from its own log: the previous round's
   * accepted deltas when it followed (`deltas`), or the whole checkpoint (`download`, with why).
   */
  download?: BaseDownload
  /** Pipelined rounds: the inner steps before which it moved onto the newly settled checkpoint (its log). */
  rebasedAt?: number[]
}

/** One validator's line of a round. */
export type ValidatorSummary = {
  uid: number
  hotkey: string
  name?: string
  /** Its weights reveal counted (listed in the ledger). */
  revealed: boolean
  dividends: number
  reward: string
  claimed: boolean
}

/** One settled round as `crowdtrain devnet --json` reports it. */
export type RoundSummary = {
  round: number
  checkpointCid: string
  ledgerCid: string
  lossBefore: number
  lossAfter: number
  /** The round's emission; `minted` = emission − unallocated = owner reward + Σ rewards. */
  emission: string
  minted: string
  ownerReward: string
  settled: true
  miners: MinerSummary[]
  validators: ValidatorSummary[]
  /** Score reports listed in the ledger that could not be read, with the reason; absent when all were. */
  unreadReports?: { validator: string; cid: string; reason: string }[]
}

/** The inputs of `summarizeRound`. */
export type SummarizeRoundParameters = {
  ledgerCid: string
  ledger: LedgerView
  /** Rewards of the later settled rounds per address (approvals add up on chain). */
  later: ReadonlyMap<string, bigint>
  /** Approved and not yet claimed, per address, read from chain state now. */
  outstanding: ReadonlyMap<string, bigint>
  /** Hotkeys whose delta reveal counted on chain this round. */
  deltaReveals?: ReadonlySet<string>
  /** Names of the devnet's participants by hotkey. */
  names?: ReadonlyMap<string, string>
  /** The validators' score reports read from IPFS, by validator uid. */
  reports?: ReadonlyMap<number, ReportView>
}

const U16 = 65535

/**
 * A round's summary from its ledger (what the chain settled, fetched from IPFS) and the claims on
 * chain — never from what the participants say about themselves.
 */
export function summarizeRound(p: SummarizeRoundParameters): RoundSummary {
  const { ledger } = p
  const incentive = new Map(ledger.consensus.incentive.map(([uid, v]) => [uid, v / U16]))
  const dividends = new Map(ledger.consensus.dividends.map(([uid, v]) => [uid, v / U16]))
  const revealed = new Set(ledger.revealed)
  const accepted = new Set(ledger.accepted.map((a) => a.uid))
  const named = (hotkey: string) => (p.names?.has(hotkey) ? { name: p.names.get(hotkey) as string } : {})
  const rewardOf = (uid: number) =>
    ledger.payouts.filter((x) => x.uid === uid).reduce((sum, x) => sum + BigInt(x.amount), 0n)
  const addressOf = (uid: number, hotkey: string) => ledger.payouts.find((x) => x.uid === uid)?.address ?? hotkey
  const claimed = (address: string, reward: bigint) =>
    reward > 0n && (p.outstanding.get(address) ?? 0n) <= (p.later.get(address) ?? 0n)
  const rows = [...ledger.metagraph].sort((a, b) => a.uid - b.uid)
  const validatorName = (uid: number) => {
    const hotkey = rows.find((m) => m.uid === uid)?.hotkey ?? `uid ${uid}`
    return p.names?.get(hotkey) ?? hotkey
  }
  const reasonsOf = (uid: number): MinerReason[] =>
    [...(p.reports ?? [])]
      .sort(([a], [b]) => a - b)
      .flatMap(([v, report]) => {
        const row = report.rows.find((x) => x.uid === uid)
        return row?.reason ? [{ validator: validatorName(v), score: row.score, reason: row.reason }] : []
      })
  const miners = rows
    .filter((m) => m.role === 'miner')
    .map((m) => {
      const reward = rewardOf(m.uid)
      const reasons = reasonsOf(m.uid)
      return {
        uid: m.uid,
        hotkey: m.hotkey,
        ...named(m.hotkey),
        revealed: p.deltaReveals?.has(m.hotkey) ?? accepted.has(m.uid),
        accepted: accepted.has(m.uid),
        score: scoreOf(ledger, m.uid),
        incentive: incentive.get(m.uid) ?? 0,
        reward: reward.toString(),
        claimed: claimed(addressOf(m.uid, m.hotkey), reward),
        ...(reasons.length > 0 ? { reasons } : {}),
      }
    })
  const validators = rows
    .filter((m) => m.role === 'validator')
    .map((m) => {
      const reward = rewardOf(m.uid)
      return {
        uid: m.uid,
        hotkey: m.hotkey,
        ...named(m.hotkey),
        revealed: revealed.has(m.uid),
        dividends: dividends.get(m.uid) ?? 0,
        reward: reward.toString(),
        claimed: claimed(addressOf(m.uid, m.hotkey), reward),
      }
    })
  return {
    round: ledger.round,
    checkpointCid: ledger.checkpoint,
    ledgerCid: p.ledgerCid,
    lossBefore: ledger.reportLoss.before,
    lossAfter: ledger.reportLoss.after,
    emission: ledger.emission,
    minted: (BigInt(ledger.emission) - BigInt(ledger.unallocated)).toString(),
    ownerReward: ledger.owner,
    settled: true,
    miners,
    validators,
  }
}

/** Rewards per address in a ledger, added to `into` (for the `later` totals of an earlier round). */
export function addRewards(into: Map<string, bigint>, ledger: LedgerView): void {
  for (const x of ledger.payouts) into.set(x.address, (into.get(x.address) ?? 0n) + BigInt(x.amount))
}

function scoreOf(ledger: LedgerView, uid: number): number {
  const rows = ledger.weights.filter(([v]) => ledger.revealed.includes(v))
  if (rows.length === 0) return 0
  const total = rows.reduce((sum, [, ws]) => sum + (ws.find(([u]) => u === uid)?.[1] ?? 0), 0)
  return Math.round((total / rows.length / U16) * 1e6) / 1e6
}
