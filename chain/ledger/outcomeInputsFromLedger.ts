import type { CrowdtrainConfig } from '../../shared/config/index.ts'
import { canonicalJson } from '../../shared/p2p/index.ts'
import { bondsFromSparse } from '../consensus/index.ts'
import type { Member } from '../protocol/index.ts'
import type { ComputeRoundOutcomeParameters, RoundOutcome } from './computeRoundOutcome.ts'
import { InvalidOutcomeInputError } from './errors.ts'
import type { RoundLedger } from './ledger.ts'
import { finishLedger } from './publishRoundOutcome.ts'

/** What the ledger alone cannot give: the fetched reports and deltas, and θ_r. */
type Fetched = Pick<ComputeRoundOutcomeParameters, 'reports' | 'deltas' | 'theta'>

/**
 * The inputs of `computeRoundOutcome` for round r rebuilt from its ledger and the previous settled
 * round's ledger (null when r's parent is genesis) — what `checkpoint verify` recomputes from, with no
 * historical chain state. The caller adds the reports (`ledger.reports` CIDs), deltas and θ_r.
 */
export function outcomeInputsFromLedger(
  ledger: RoundLedger,
  previous: RoundLedger | null,
  subnet: { config: CrowdtrainConfig; owner: string },
): Omit<ComputeRoundOutcomeParameters, keyof Fetched> {
  const members: Member[] = ledger.metagraph.map((m) => ({
    uid: m.uid,
    hotkey: m.hotkey,
    role: m.role,
    multiaddrs: [...m.multiaddrs],
    registeredAt: m.registeredAt,
    ...(m.stakeAccount === undefined ? {} : { stakeAccount: m.stakeAccount }),
  }))
  const hotkeyOf = new Map(members.map((m) => [m.uid, m.hotkey]))
  const reportOf = new Map(ledger.reports)
  const weightReveals = ledger.weights.map(([uid, weights]) => {
    const hotkey = hotkeyOf.get(uid)
    const reportCid = reportOf.get(uid)
    if (!hotkey || !reportCid)
      throw new InvalidOutcomeInputError(`the ledger's weights of uid ${uid} have no member or report`)
    return { uid, hotkey, weights: weights.map(([u, w]): [number, number] => [u, w]), reportCid }
  })
  const prevN = previous ? previous.metagraph.reduce((n, m) => Math.max(n, m.uid + 1), 0) : 0
  const prevHotkey = new Map(previous?.metagraph.map((m) => [m.uid, m.hotkey]) ?? [])
  return {
    subnet: { netuid: ledger.netuid, config: subnet.config, owner: subnet.owner },
    round: ledger.round,
    members,
    deltaReveals: ledger.deltaReveals.map((d) => ({ ...d })),
    weightReveals,
    stake: new Map(ledger.stake.map(([uid, s]) => [uid, BigInt(s)])),
    bondsPrev: previous ? bondsFromSparse(previous.bonds, prevN) : null,
    replacedUids: members.filter((m) => prevHotkey.has(m.uid) && prevHotkey.get(m.uid) !== m.hotkey).map((m) => m.uid),
    parentCid: ledger.parent,
    emission: BigInt(ledger.emission),
  }
}

/**
 * True when a recomputed outcome gives exactly the ledger's bytes (checkpoint CID and report losses
 * taken from the ledger, which `verify` checks separately by rebuilding the checkpoint).
 */
export function outcomeMatchesLedger(outcome: RoundOutcome, ledger: RoundLedger): boolean {
  const rebuilt = finishLedger(outcome.ledger, { checkpoint: ledger.checkpoint, reportLoss: ledger.reportLoss })
  return canonicalJson(rebuilt) === canonicalJson(ledger)
}
