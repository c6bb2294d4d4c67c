import type { MinerReason, RoundSummary } from '../summarizeRound.ts'

/** Version of report.json. */
export const REPORT_VERSION = 1
/** Decimals of the subnet asset (design: 1 token = 10¹² of its smallest unit). */
const DECIMALS = 12

/** What a report is built from: the devnet's summary (`DevnetResult`). */
export type ReportInput = {
  rounds: readonly RoundSummary[]
  elapsedMs: number
  dir: string
  netuid: number
  chainUrl?: string
  /** Rounds a chaos fault made void on purpose (not settled). */
  voidRounds?: readonly { round: number; reason: string }[]
  /** Why the devnet stopped before its last round (the report then holds the rounds settled before). */
  failure?: string
}

/** One miner in one round, as the report shows it. */
export type ReportMiner = {
  uid: number
  hotkey: string
  /** The devnet's name (`miner-0`), else the hotkey. */
  label: string
  revealed: boolean
  accepted: boolean
  score: number
  incentive: number
  /** Smallest units, decimal (exact). */
  reward: string
  /** The same in tokens (for charts; a float). */
  rewardTokens: number
  claimed: boolean
  reasons: MinerReason[]
}

/** One validator in one round. */
export type ReportValidator = {
  uid: number
  hotkey: string
  label: string
  revealed: boolean
  dividends: number
  reward: string
  rewardTokens: number
  claimed: boolean
}

/** One settled round. */
export type ReportRound = {
  round: number
  lossBefore: number
  lossAfter: number
  checkpointCid: string
  ledgerCid: string
  emission: string
  minted: string
  ownerReward: string
  miners: ReportMiner[]
  validators: ReportValidator[]
  unreadReports: { validator: string; cid: string; reason: string }[]
}

/** report.json: everything report.html shows, one entry per settled round. */
export type ReportData = {
  v: typeof REPORT_VERSION
  generatedAt: string
  dir: string
  netuid: number
  chainUrl?: string
  elapsedMs: number
  /** Rounds that did not settle, with the reason (chaos faults); not in `rounds`. */
  voidRounds: { round: number; reason: string }[]
  /** Why the devnet stopped before its last round; absent when it ran to the end. */
  failure?: string
  /** Report-split loss before the first round, then after each round. */
  loss: { label: string; value: number }[]
  /** Every miner (hotkey) seen in any round, by uid: the series of the reward chart. */
  miners: { uid: number; hotkey: string; label: string }[]
  rounds: ReportRound[]
}

/** The report's data from a devnet summary; `now` is the time written into it. */
export function reportData(input: ReportInput, now: Date = new Date()): ReportData {
  const rounds = [...input.rounds].sort((a, b) => a.round - b.round).map(reportRound)
  const loss =
    rounds.length === 0
      ? []
      : [
          { label: `before round ${rounds[0].round}`, value: rounds[0].lossBefore },
          ...rounds.map((r) => ({ label: `after round ${r.round}`, value: r.lossAfter })),
        ]
  const miners = new Map<string, { uid: number; hotkey: string; label: string }>()
  for (const r of rounds)
    for (const m of r.miners) miners.set(m.hotkey, { uid: m.uid, hotkey: m.hotkey, label: m.label })
  return {
    v: REPORT_VERSION,
    generatedAt: now.toISOString(),
    dir: input.dir,
    netuid: input.netuid,
    ...(input.chainUrl === undefined ? {} : { chainUrl: input.chainUrl }),
    elapsedMs: input.elapsedMs,
    voidRounds: [...(input.voidRounds ?? [])],
    ...(input.failure === undefined ? {} : { failure: input.failure }),
    loss,
    miners: [...miners.values()].sort((a, b) => a.uid - b.uid || a.hotkey.localeCompare(b.hotkey)),
    rounds,
  }
}

/** An amount in smallest units as tokens (a float, for charts). */
export function toTokens(amount: string): number {
  const v = BigInt(amount)
  const unit = 10n ** BigInt(DECIMALS)
  return Number(v / unit) + Number(v % unit) / 10 ** DECIMALS
}

function reportRound(s: RoundSummary): ReportRound {
  return {
    round: s.round,
    lossBefore: s.lossBefore,
    lossAfter: s.lossAfter,
    checkpointCid: s.checkpointCid,
    ledgerCid: s.ledgerCid,
    emission: s.emission,
    minted: s.minted,
    ownerReward: s.ownerReward,
    miners: s.miners.map((m) => ({
      uid: m.uid,
      hotkey: m.hotkey,
      label: m.name ?? m.hotkey,
      revealed: m.revealed,
      accepted: m.accepted,
      score: m.score,
      incentive: m.incentive,
      reward: m.reward,
      rewardTokens: toTokens(m.reward),
      claimed: m.claimed,
      reasons: m.reasons ?? [],
    })),
    validators: s.validators.map((v) => ({
      uid: v.uid,
      hotkey: v.hotkey,
      label: v.name ?? v.hotkey,
      revealed: v.revealed,
      dividends: v.dividends,
      reward: v.reward,
      rewardTokens: toTokens(v.reward),
      claimed: v.claimed,
    })),
    unreadReports: s.unreadReports ?? [],
  }
}
