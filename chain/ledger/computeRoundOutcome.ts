import { aggregateShard, selectTopG } from '../../shared/aggregate/index.ts'
import type { CheckpointDelta } from '../../shared/checkpoint/index.ts'
import type { CrowdtrainConfig } from '../../shared/config/index.ts'
import { planShards, shardTensors } from '../../shared/shards/index.ts'
import type { NamedTensor } from '../../shared/tensor.ts'
import {
  bondsToSparse,
  type PayoutsReturnType,
  type RoundConsensusReturnType,
  roundConsensus,
  stakeQuorum,
  toFloat,
} from '../consensus/index.ts'
import { accountId, type Member, type WeightsRevealEntry } from '../protocol/index.ts'
import { InvalidOutcomeInputError } from './errors.ts'
import type { AcceptedDelta, LedgerMember, RoundLedger } from './ledger.ts'
import type { ScoreReport } from './report.ts'

/** A counted miner reveal (collectRound's `deltaReveals`). */
export type OutcomeDeltaReveal = { uid: number; hotkey: string; shard: number; cid: string }

/** The inputs of `computeRoundOutcome`: chain data of round r, the fetched reports and deltas, and θ_r. */
export type ComputeRoundOutcomeParameters = {
  /** From the subnet document: netuid, whole config, and the owner who receives the owner's cut. */
  subnet: { netuid: number; config: CrowdtrainConfig; owner: string }
  round: number
  /** The metagraph (collectRegistrations' `members`). */
  members: readonly Member[]
  /** Counted delta reveals: which CID and shard each miner uid stands for. */
  deltaReveals: readonly OutcomeDeltaReveal[]
  /** Counted weights reveals (collectRound's `weightReveals`). */
  weightReveals: readonly Pick<WeightsRevealEntry, 'uid' | 'hotkey' | 'weights' | 'reportCid'>[]
  /** Parsed (signature-checked) score reports by validator uid; a report that could not be fetched is absent. */
  reports: ReadonlyMap<number, ScoreReport>
  /** Stake snapshot by validator uid (token units). */
  stake: ReadonlyMap<number, bigint>
  /** Bonds of the last settled round's ledger, or null. */
  bondsPrev: readonly (readonly bigint[])[] | null
  /** Uids handed to a new hotkey since then. */
  replacedUids?: Iterable<number>
  /** θ_r and its outer momentum, in model order. */
  theta: { params: readonly NamedTensor[]; momentum: readonly NamedTensor[] }
  /** Dense decoded deltas (the shard's tensors, shard order) by CID: at least every delta aggregation uses. */
  deltas: ReadonlyMap<string, readonly NamedTensor[]>
  /** CID of θ_r's checkpoint. */
  parentCid: string
  /** The round's emission (default `config.subnet.emissionPerRound`; add carried-over emission here). */
  emission?: bigint
}

/** A ledger before the checkpoint CID and the report losses are known. */
export type PartialLedger = Omit<RoundLedger, 'checkpoint' | 'reportLoss'>

/** What the round decided: accepted deltas, consensus, payouts, θ_{r+1}, and the ledger so far. */
export type RoundOutcome = {
  accepted: AcceptedDelta[]
  consensus: RoundConsensusReturnType
  payouts: PayoutsReturnType
  /** Payouts by address for `buildSettleCall`: uid rows plus the owner's cut. */
  settlePayouts: { address: string; amount: bigint }[]
  /** θ_{r+1} and its momentum, in model order. */
  params: NamedTensor[]
  momentum: NamedTensor[]
  /** The deltas aggregation used (the checkpoint manifest's `deltas`), weights normalised per shard. */
  used: CheckpointDelta[]
  /** Reports not counted, with the reason (logged by the caller). */
  ignoredReports: { uid: number; reason: string }[]
  ledger: PartialLedger
}

const nonZero = (values: readonly number[]): [number, number][] =>
  values.flatMap((v, uid): [number, number][] => (v > 0 ? [[uid, v]] : []))

// Which miner uids each counted report vouches for: rows fetched-and-valid for exactly the revealed delta.
function approvalsOf(p: ComputeRoundOutcomeParameters, ignored: RoundOutcome['ignoredReports']) {
  const revealOf = new Map(p.deltaReveals.map((d) => [d.uid, d]))
  const approvals = new Map<number, Set<number>>()
  for (const w of p.weightReveals) {
    const report = p.reports.get(w.uid)
    if (!report) continue
    const reason =
      report.netuid !== p.subnet.netuid
        ? `report is for netuid ${report.netuid}`
        : report.round !== p.round
          ? `report is for round ${report.round}`
          : accountId(report.validator) !== accountId(w.hotkey)
            ? `report is signed by ${report.validator}, not the revealing validator`
            : undefined
    if (reason) {
      ignored.push({ uid: w.uid, reason })
      continue
    }
    approvals.set(w.uid, new Set(report.rows.filter((r) => vouches(r, revealOf)).map((r) => r.uid)))
  }
  return approvals
}

// A report row vouches for a delta it fetched, found valid and scored positive this round, exactly the
// CID and shard revealed: admission follows this round's scores, never the smoothed weights.
function vouches(row: ScoreReport['rows'][number], revealOf: ReadonlyMap<number, OutcomeDeltaReveal>): boolean {
  const d = revealOf.get(row.uid)
  return row.fetched && row.valid && row.score > 0 && d?.cid === row.cid && d.shard === row.shard
}

/**
 * The delta reveals at least one of `reports` vouches for: a superset of those `computeRoundOutcome`
 * can accept, so a settling validator fetches only these (a delta no report could fetch is never
 * waited for again).
 */
export function vouchedReveals<T extends OutcomeDeltaReveal>(
  deltaReveals: readonly T[],
  reports: Iterable<ScoreReport>,
): T[] {
  const revealOf = new Map(deltaReveals.map((d) => [d.uid, d]))
  const vouched = new Set<number>()
  for (const report of reports) for (const row of report.rows) if (vouches(row, revealOf)) vouched.add(row.uid)
  return deltaReveals.filter((d) => vouched.has(d.uid))
}

/**
 * THE round outcome (docs/network.md, settle), a pure function of public data: Yuma consensus of the
 * weights reveals; accepted deltas = those reported fetched, valid and scored positive this round by
 * validators holding ≥ κ (> ½) of the stake (`stakeQuorum`); per shard, `aggregateShard` over its accepted deltas weighted by their miners'
 * consensus incentive (a shard with none takes a momentum-only step); payouts by largest remainder.
 * Validators use it to settle, `checkpoint verify` to check a settlement. Deterministic: float32 rules
 * of design §4, everything by ascending uid, amounts in BigInt.
 */
export function computeRoundOutcome(p: ComputeRoundOutcomeParameters): RoundOutcome {
  const { config, netuid } = p.subnet
  const ignoredReports: RoundOutcome['ignoredReports'] = []
  const total = p.emission ?? BigInt(config.subnet.emissionPerRound)
  const { ownerBps: owner, minersBps: miners, validatorsBps: validators } = config.subnet
  const weightReveals = [...p.weightReveals].sort((a, b) => a.uid - b.uid)
  const consensus = roundConsensus({
    members: p.members,
    stake: p.stake,
    reveals: weightReveals.map((w) => ({ uid: w.uid, weights: w.weights })),
    bondsPrev: p.bondsPrev,
    replacedUids: p.replacedUids,
    consensus: config.consensus,
    emission: { total, split: { owner, miners, validators } },
  })
  const payouts = consensus.payouts!
  const approvals = approvalsOf(p, ignoredReports)
  const revealOf = new Map(p.deltaReveals.map((d) => [d.uid, d]))
  const accepted: AcceptedDelta[] = stakeQuorum({ stake: consensus.stake, approvals, kappa: config.consensus.kappa })
    .filter((uid) => revealOf.has(uid))
    .map((uid) => {
      const d = revealOf.get(uid)!
      return { uid, hotkey: d.hotkey, shard: d.shard, cid: d.cid, weight: consensus.u16.incentive[uid] ?? 0 }
    })

  const step = aggregateAll(p, accepted, consensus)
  const memberOf = new Map(p.members.map((m) => [m.uid, m]))
  const payoutRows = [...payouts.byUid].map(([uid, amount]) => {
    const m = memberOf.get(uid)
    if (!m) throw new InvalidOutcomeInputError(`uid ${uid} is paid but is not a member`)
    return { uid, address: m.hotkey, amount: amount.toString() }
  })
  const settlePayouts = payoutRows.map((r) => ({ address: r.address, amount: BigInt(r.amount) }))
  if (payouts.owner > 0n) settlePayouts.push({ address: p.subnet.owner, amount: payouts.owner })

  const inputs = ledgerInputFields(p)
  const ledger: PartialLedger = {
    v: 1,
    netuid,
    round: p.round,
    parent: p.parentCid,
    metagraph: inputs.metagraph,
    stake: inputs.stake,
    deltaReveals: inputs.deltaReveals,
    revealed: inputs.revealed,
    weights: inputs.weights,
    consensus: {
      consensus: nonZero(consensus.u16.consensus),
      incentive: nonZero(consensus.u16.incentive),
      dividends: nonZero(consensus.u16.dividends),
      trust: nonZero(consensus.u16.trust),
      validatorTrust: nonZero(consensus.u16.validatorTrust),
    },
    bonds: bondsToSparse(consensus.bonds),
    accepted,
    reports: inputs.reports,
    payouts: payoutRows,
    owner: payouts.owner.toString(),
    emission: total.toString(),
    unallocated: payouts.unallocated.toString(),
  }
  return { accepted, consensus, payouts, settlePayouts, ...step, ignoredReports, ledger }
}

/** The ledger fields that copy the round's inputs (chain records and state), not what consensus made of them. */
export type LedgerInputFields = Pick<
  RoundLedger,
  'metagraph' | 'stake' | 'deltaReveals' | 'revealed' | 'weights' | 'reports'
>

/**
 * The ledger's copy of the round's inputs — metagraph, stake snapshot, delta reveals, weights reveals
 * and their report CIDs — in ledger order (ascending uid). `checkpoint verify` builds the same from the
 * chain's records to check a ledger's inputs.
 */
export function ledgerInputFields(
  p: Pick<ComputeRoundOutcomeParameters, 'members' | 'stake' | 'deltaReveals' | 'weightReveals'>,
): LedgerInputFields {
  const weightReveals = [...p.weightReveals].sort((a, b) => a.uid - b.uid)
  return {
    metagraph: [...p.members].sort((a, b) => a.uid - b.uid).map(ledgerMember),
    stake: [...p.members]
      .filter((m) => m.role === 'validator')
      .sort((a, b) => a.uid - b.uid)
      .map((m) => [m.uid, (p.stake.get(m.uid) ?? 0n).toString()]),
    deltaReveals: [...p.deltaReveals]
      .sort((a, b) => a.uid - b.uid)
      .map((d) => ({ uid: d.uid, hotkey: d.hotkey, shard: d.shard, cid: d.cid })),
    revealed: weightReveals.map((w) => w.uid),
    weights: weightReveals.map((w) => [w.uid, w.weights.map(([u, x]): [number, number] => [u, x])]),
    reports: weightReveals.map((w) => [w.uid, w.reportCid]),
  }
}

function ledgerMember(m: Member): LedgerMember {
  const row: LedgerMember = {
    uid: m.uid,
    hotkey: m.hotkey,
    role: m.role,
    multiaddrs: [...m.multiaddrs],
    registeredAt: m.registeredAt,
  }
  if (m.stakeAccount !== undefined) row.stakeAccount = m.stakeAccount
  return row
}

// Per shard: the accepted deltas, weighted by incentive, through aggregateShard; θ_{r+1} in model order.
function aggregateAll(
  p: ComputeRoundOutcomeParameters,
  accepted: readonly AcceptedDelta[],
  consensus: RoundConsensusReturnType,
): Pick<RoundOutcome, 'params' | 'momentum' | 'used'> {
  const { outer, shards } = p.subnet.config
  const plan = planShards(p.theta.params, shards.count)
  const next = new Map<string, { param: NamedTensor; momentum: NamedTensor }>()
  const used: CheckpointDelta[] = []
  for (const shard of plan.shards) {
    const candidates = accepted
      .filter((a) => a.shard === shard.index)
      .map((a) => ({ uid: a.uid, weight: toFloat(consensus.incentive[a.uid] ?? 0n), delta: [] as NamedTensor[] }))
    const chosen = selectTopG(candidates, outer.topG).map((c) => {
      const a = accepted.find((x) => x.uid === c.uid)!
      const delta = p.deltas.get(a.cid)
      if (!delta) throw new InvalidOutcomeInputError(`delta ${a.cid} of uid ${a.uid} was not given`)
      return { ...c, delta }
    })
    let out: ReturnType<typeof aggregateShard>
    try {
      out = aggregateShard({
        params: shardTensors([...p.theta.params], plan, shard.index),
        momentum: shardTensors([...p.theta.momentum], plan, shard.index),
        deltas: chosen,
        lr: outer.lr,
        momentumCoef: outer.momentum,
        topG: outer.topG,
        clipNorm: outer.clipNorm,
      })
    } catch (err) {
      throw new InvalidOutcomeInputError(`shard ${shard.index}: ${(err as Error).message}`, err)
    }
    for (const [i, t] of out.params.entries()) next.set(t.name, { param: t, momentum: out.momentum[i] })
    for (const u of out.used) {
      const a = accepted.find((x) => x.uid === u.uid)!
      used.push({ uid: a.uid, hotkey: a.hotkey, shard: a.shard, cid: a.cid, weight: u.weight })
    }
  }
  return {
    params: p.theta.params.map((t) => next.get(t.name)!.param),
    momentum: p.theta.params.map((t) => next.get(t.name)!.momentum),
    used: used.sort((a, b) => a.uid - b.uid),
  }
}
