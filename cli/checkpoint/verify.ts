import {
  buildOutcomeCheckpoint,
  computeRoundOutcome,
  encodeLedger,
  fetchScoreReports,
  finishLedger,
  outcomeInputsFromLedger,
  outcomeMatchesLedger,
  type RoundLedger,
  type RoundOutcome,
} from '../../chain/ledger/index.ts'
import type { SubnetView } from '../../chain/subnet/index.ts'
import { type Backend, initBackend } from '../../shared/backend/index.ts'
import { loadCheckpoint, type ParsedCheckpoint } from '../../shared/checkpoint/index.ts'
import { decodeDelta, revealedDeltaExpect } from '../../shared/codec/index.ts'
import { describeError } from '../../shared/errors/index.ts'
import { canonicalJson } from '../../shared/p2p/index.ts'
import { planShards } from '../../shared/shards/index.ts'
import { loadTask, type Task } from '../../shared/tasks/index.ts'
import type { NamedTensor } from '../../shared/tensor.ts'
import { checkRecords } from './chainRecords.ts'
import { cidOf } from './cidOf.ts'
import { compareCheckpoint, type ExpectedCheckpoint, type TensorFinding } from './compareCheckpoint.ts'
import { ContentUnavailableError } from './errors.ts'
import { type LocalCheckpoint, readLocalCheckpoint } from './localCheckpoint.ts'
import { fetchOrExplain, type OpenSubnet, type SettledRound } from './openSubnet.ts'

/**
 * The parts `checkpoint verify` checks: the ledger's own anchors, its inputs against the chain's
 * records, consensus, payouts, θ_{r+1}, local files.
 */
export type VerifyPart = 'ledger' | 'records' | 'consensus' | 'payouts' | 'checkpoint' | 'files'
/** One part's verdict, with what differs when it fails. */
export type VerifyCheck = { part: VerifyPart; ok: boolean; detail: string }

/** What `verifyRound` found. */
export type VerifyReturnType = {
  ok: boolean
  round: number
  ledgerCid: string
  checkpointCid: string
  checks: VerifyCheck[]
  /** Tensors that differ from the recomputed θ_{r+1} (the published checkpoint, or `dir`'s files). */
  tensors: TensorFinding[]
}

/** Ledger fields recomputed by the consensus and by the payouts, so a mismatch can be named. */
const PARTS: Record<'consensus' | 'payouts', readonly (keyof RoundLedger)[]> = {
  consensus: ['revealed', 'weights', 'consensus', 'bonds', 'accepted'],
  payouts: ['payouts', 'owner', 'emission', 'unallocated'],
}

/**
 * `checkpoint verify`: recomputes round r's settlement from public data alone — the ledger's reveals,
 * metagraph and stake snapshot, the previous ledger's bonds, the signed score reports, θ_r and the
 * accepted deltas — with the code validators settle with (`computeRoundOutcome`, `buildOutcomeCheckpoint`),
 * and compares it with what the chain anchors: the ledger CID of uniques item r and the checkpoint CID
 * in that ledger. Unless `trustLedger`, it first checks the ledger's inputs against the chain's own
 * records (`checkRecords`), so a settlement cannot rest on reveals the chain never held. With `dir`,
 * also checks local checkpoint files against the recomputed θ_{r+1}.
 * Throws when something needed cannot be had (an unsettled round, content no peer serves).
 */
export async function verifyRound(
  net: OpenSubnet,
  p: { round?: number; dir?: string; backend?: Backend; trustLedger?: boolean },
): Promise<VerifyReturnType> {
  const round = await net.settledRound(p.round)
  const ledger = await net.ledger(round)
  const view = await net.view()
  const task = loadTask(view.config.task.name, view.config)
  const checks: VerifyCheck[] = []
  const previous = await previousLedger(net, ledger, view)
  if (typeof previous === 'string') checks.push({ part: 'ledger', ok: false, detail: previous })
  if (!p.trustLedger) checks.push(await checkRecords(net, view, ledger))
  const theta = await fetchOrExplain('parent checkpoint (θ_r)', ledger.parent, () =>
    loadCheckpoint(net.storage, ledger.parent, { config: view.config, task, timeoutMs: net.timeoutMs }),
  )
  const outcome = await recompute(net, {
    ledger,
    previous: typeof previous === 'string' ? null : previous,
    view,
    theta,
  })
  if (typeof outcome === 'string') {
    checks.push({ part: 'consensus', ok: false, detail: outcome })
    return result(round, ledger, checks, [])
  }
  checks.push(...(await ledgerChecks(round, ledger, outcome, theta)))
  // θ_{r+1}'s report loss is part of its manifest: measured on the backend kind the validators use.
  const backend = p.backend ?? (await initBackend(view.config.train.backend, net.logger))
  const built = await buildOutcomeCheckpoint({ outcome, task, config: view.config, backend })
  const expected: ExpectedCheckpoint = { files: built.files, params: outcome.params, momentum: outcome.momentum }
  const found = await compareCheckpoint(expected, () => publishedCheckpoint(net, ledger.checkpoint, view, task), {
    cid: ledger.checkpoint,
    what: 'the published checkpoint',
  })
  checks.push({ part: 'checkpoint', ok: found.ok, detail: found.detail })
  let tensors = found.tensors
  if (p.dir) {
    const files = await checkLocal(p.dir, expected, { cid: ledger.checkpoint, config: view.config, task })
    checks.push({ part: 'files', ok: files.ok, detail: files.detail })
    tensors = files.tensors
  }
  return result(round, ledger, checks, tensors)
}

function result(round: SettledRound, ledger: RoundLedger, checks: VerifyCheck[], tensors: TensorFinding[]) {
  return {
    ok: checks.every((c) => c.ok),
    round: round.round,
    ledgerCid: round.ledgerCid,
    checkpointCid: ledger.checkpoint,
    checks,
    tensors,
  }
}

// Local checkpoint files against the recomputed θ_{r+1}; files that do not parse are a failed check.
async function checkLocal(
  dir: string,
  expected: ExpectedCheckpoint,
  p: { cid: string; config: SubnetView['config']; task: Task },
) {
  const what = `the checkpoint in ${dir}`
  let local: LocalCheckpoint
  try {
    local = await readLocalCheckpoint(dir, { config: p.config, task: p.task })
  } catch (err) {
    return { ok: false, detail: `${what} cannot be checked: ${describeError(err)}`, tensors: [] }
  }
  return compareCheckpoint(expected, local.checkpoint, { cid: p.cid, what, files: local.files })
}

// The ledger of the round whose checkpoint is θ_r (null for genesis), or why there is none.
async function previousLedger(
  net: OpenSubnet,
  ledger: RoundLedger,
  view: SubnetView,
): Promise<RoundLedger | null | string> {
  if (ledger.parent === view.genesisCheckpoint) return null
  const earlier = (await net.settled()).filter((r) => r.round < ledger.round).reverse()
  for (const r of earlier) {
    const l = await net.ledger(r)
    if (l.checkpoint === ledger.parent) return l
  }
  return `its parent checkpoint ${ledger.parent} is neither the genesis checkpoint nor one an earlier settled round produced`
}

// The outcome from the ledger's inputs, the reports and the accepted deltas; a string says why it cannot be computed.
async function recompute(
  net: OpenSubnet,
  p: { ledger: RoundLedger; previous: RoundLedger | null; view: SubnetView; theta: ParsedCheckpoint },
): Promise<RoundOutcome | string> {
  const { ledger, view, theta } = p
  let inputs: ReturnType<typeof outcomeInputsFromLedger>
  try {
    inputs = outcomeInputsFromLedger(ledger, p.previous, { config: view.config, owner: view.owner })
  } catch (err) {
    return describeError(err)
  }
  const fetched = await fetchScoreReports({
    storage: net.storage,
    netuid: net.netuid,
    round: ledger.round,
    reveals: inputs.weightReveals,
    timeoutMs: net.timeoutMs,
  })
  const missing = fetched.skipped.find((s) => s.unavailable)
  if (missing)
    throw new ContentUnavailableError(`score report of validator uid ${missing.uid}`, missing.cid, missing.reason)
  for (const s of fetched.skipped)
    net.logger.warn('score report not counted', { uid: s.uid, cid: s.cid, reason: s.reason })
  const deltas = await fetchAcceptedDeltas(net, ledger, theta.params, view)
  try {
    return computeRoundOutcome({ ...inputs, reports: fetched.reports, deltas, theta })
  } catch (err) {
    return `the outcome cannot be recomputed: ${describeError(err)}`
  }
}

// Dense deltas of the accepted reveals, decoded exactly as validators decode them; undecodable ones are left out.
async function fetchAcceptedDeltas(
  net: OpenSubnet,
  ledger: RoundLedger,
  params: readonly NamedTensor[],
  view: SubnetView,
): Promise<Map<string, NamedTensor[]>> {
  const plan = planShards(params, view.config.shards.count)
  const shapeOf = new Map(params.map((t) => [t.name, t.shape]))
  const out = new Map<string, NamedTensor[]>()
  for (const a of ledger.accepted) {
    const shard = plan.shards[a.shard]
    if (!shard) continue
    const shapes = shard.names.map((name) => ({ name, shape: shapeOf.get(name) ?? [] }))
    const expect = revealedDeltaExpect({
      shapes,
      config: view.config,
      round: ledger.round,
      shard: a.shard,
      hotkey: a.hotkey,
    })
    const bytes = await fetchOrExplain(`delta of uid ${a.uid}`, a.cid, () =>
      net.storage.get(a.cid, { maxBytes: expect.maxBytes, timeoutMs: net.timeoutMs }),
    )
    try {
      out.set(a.cid, decodeDelta(bytes, expect).delta)
    } catch (err) {
      net.logger.warn('accepted delta does not decode', { uid: a.uid, cid: a.cid, reason: describeError(err) })
    }
  }
  return out
}

// Consensus and payouts fields, the parent's report loss, and the ledger CID of the chain item.
async function ledgerChecks(
  round: SettledRound,
  ledger: RoundLedger,
  outcome: RoundOutcome,
  theta: ParsedCheckpoint,
): Promise<VerifyCheck[]> {
  const rebuilt = finishLedger(outcome.ledger, { checkpoint: ledger.checkpoint, reportLoss: ledger.reportLoss })
  const checks: VerifyCheck[] = []
  for (const part of ['consensus', 'payouts'] as const) {
    const differ = PARTS[part].filter((k) => canonicalJson(rebuilt[k] ?? null) !== canonicalJson(ledger[k] ?? null))
    checks.push({
      part,
      ok: differ.length === 0,
      detail:
        differ.length === 0
          ? `${PARTS[part].join(', ')} recomputed equal`
          : `the ledger's ${differ.join(', ')} differ from the recomputed ones`,
    })
  }
  const others: string[] = []
  if (!outcomeMatchesLedger(outcome, ledger) && checks.every((c) => c.ok)) others.push('other ledger fields differ')
  if (ledger.reportLoss.before !== theta.manifest.reportLoss)
    others.push(`reportLoss.before ${ledger.reportLoss.before} is not θ_r's ${theta.manifest.reportLoss}`)
  const cid = await cidOf(encodeLedger(rebuilt))
  if (cid !== round.ledgerCid)
    others.push(`the recomputed ledger has CID ${cid}, the chain item holds ${round.ledgerCid}`)
  checks.unshift({
    part: 'ledger',
    ok: others.length === 0,
    detail: others.length === 0 ? `recomputed ledger has the chain item's CID ${cid}` : others.join('; '),
  })
  return checks
}

// The checkpoint the ledger names, or why it could not be fetched.
async function publishedCheckpoint(net: OpenSubnet, cid: string, view: SubnetView, task: Task) {
  try {
    return await loadCheckpoint(net.storage, cid, { config: view.config, task, timeoutMs: net.timeoutMs })
  } catch (err) {
    return `it could not be fetched or parsed (${describeError(err)})`
  }
}
