import type { DevnetResult } from '../devnet/index.ts'

/** One row of the robustness table: an attack, whether the network handled it, what it earned, why. */
export type RobustnessCase = {
  case: string
  /**
   * The bad actor earned nothing (sybil pair: one contribution shared, the rule of design §4). Earning
   * nothing means a consensus weight of zero, and aggregation uses only deltas of positive weight, so
   * its delta is not in the checkpoint.
   */
  handled: boolean
  /** Subnet asset paid to the bad actor over all rounds (smallest unit, decimal); a sybil pair's total. */
  reward: string
  /** The validators' reasons, distinct, as the score reports give them (`no report row` when it sent nothing that counted). */
  reason: string
  /**
   * Rounds in which a delta of the bad actor was accepted with a positive consensus weight, the only
   * way into a checkpoint (0: it cannot have moved the model).
   */
  aggregatedRounds: number
  /** Its effect on the checkpoint: none when it never had weight, otherwise in how many rounds it could. */
  effect: string
}

const SYBIL = new Set(['sybil', 'sybil-noisy'])
// Kinds that do real (if inflated or lazy) work: handled when they never earn more than the median honest miner.
const AT_MOST_HONEST = new Set(['inflate', 'lazy-scaled'])

/**
 * Judges each adversary kind of a devnet run from its summary alone (ledgers and signed score
 * reports, as any user can read them): handled when the kind earned nothing in any round and every
 * report row of it is a zero with a reason; a sybil pair is handled when, in every report that
 * scored it, both its rows are one near-duplicate group (so together they earn one contribution);
 * `inflate` and `lazy-scaled` when the run paid them no more than the median honest miner (`miner-…`);
 * `poison-carried` when none of its ascent rounds (odd) gave its delta weight (its honest rounds may).
 */
export function judgeCases(result: DevnetResult): RobustnessCase[] {
  const byKind = new Map<string, string[]>()
  for (const a of result.adversaries ?? []) byKind.set(a.kind, [...(byKind.get(a.kind) ?? []), a.hotkey])
  return [...byKind].map(([kind, hotkeys]) => {
    const rows = result.rounds.flatMap((r) => r.miners.filter((m) => hotkeys.includes(m.hotkey)))
    const reward = rows.reduce((s, m) => s + BigInt(m.reward), 0n)
    const reasons = [...new Set(rows.flatMap((m) => (m.reasons ?? []).map((x) => x.reason)))]
    const handled = SYBIL.has(kind)
      ? result.rounds.every((r) => oneContribution(r.miners.filter((m) => hotkeys.includes(m.hotkey))))
      : AT_MOST_HONEST.has(kind)
        ? atMostMedianHonest(result, hotkeys)
        : kind === 'poison-carried'
          ? result.rounds.every(
              (r) =>
                r.round % 2 === 0 || !r.miners.some((m) => m.accepted && m.incentive > 0 && hotkeys.includes(m.hotkey)),
            )
          : reward === 0n && rows.every((m) => (m.reasons ?? []).every((x) => x.score === 0))
    const aggregatedRounds = result.rounds.filter((r) =>
      r.miners.some((m) => m.accepted && m.incentive > 0 && hotkeys.includes(m.hotkey)),
    ).length
    return {
      case: kind,
      handled,
      reward: reward.toString(),
      reason: reasons.length > 0 ? reasons.join(' | ') : 'no report row (nothing counted on chain)',
      aggregatedRounds,
      effect:
        aggregatedRounds === 0
          ? 'none (zero weight, never aggregated)'
          : `weighted in ${aggregatedRounds} of ${result.rounds.length} rounds`,
    }
  })
}

// A sybil pair in one round earned at most one contribution: one member paid on its own (the twin's copy
// refused, e.g. for the wrong shard), or every paid member paid only as part of one near-duplicate group.
function oneContribution(pair: DevnetResult['rounds'][number]['miners']): boolean {
  const paid = pair.filter((m) => BigInt(m.reward) > 0n)
  return paid.length <= 1 || paid.every(sharedOnly)
}

// Paid only as a member of a near-duplicate group: every report that scored it says so.
function sharedOnly(m: DevnetResult['rounds'][number]['miners'][number]): boolean {
  const scored = (m.reasons ?? []).filter((x) => x.score > 0)
  return (m.reasons ?? []).length > 0 && scored.every((x) => x.reason.startsWith('duplicate'))
}

// The kind's reward over the run is at most the median of the honest miners' (the devnet's `miner-…`).
// Over the run, not per round: in a round where most honest miners happened to score nothing
// (no-improvement on the tiny model), an honest direction at its peers' norm would otherwise read as
// a win, however little it earned in the others.
function atMostMedianHonest(result: DevnetResult, hotkeys: readonly string[]): boolean {
  const totals = new Map<string, bigint>()
  for (const r of result.rounds)
    for (const m of r.miners) totals.set(m.hotkey, (totals.get(m.hotkey) ?? 0n) + BigInt(m.reward))
  const names = new Map(result.rounds.flatMap((r) => r.miners.map((m) => [m.hotkey, m.name ?? ''] as const)))
  const honest = [...totals]
    .filter(([k]) => names.get(k)?.startsWith('miner-'))
    .map(([, v]) => v)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  if (honest.length === 0) return false
  const median = honest[Math.floor((honest.length - 1) / 2)]
  return hotkeys.every((k) => (totals.get(k) ?? 0n) <= median)
}

/** Report-split loss after the last settled round, or null when none settled. */
export function finalLoss(result: DevnetResult): number | null {
  return result.rounds.at(-1)?.lossAfter ?? null
}
