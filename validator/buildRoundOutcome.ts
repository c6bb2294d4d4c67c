import { readSettledRounds, readStakeSnapshot } from '../chain/actions/index.ts'
import { bondsFromSparse } from '../chain/consensus/index.ts'
import {
  buildOutcomeCheckpoint,
  computeRoundOutcome,
  encodeLedger,
  fetchScoreReports,
  MAX_LEDGER_BYTES,
  parseLedger,
  type RoundLedger,
  type RoundOutcome,
  type ScoreReport,
  vouchedReveals,
} from '../chain/ledger/index.ts'
import type { NamedTensor } from '../shared/tensor.ts'
import type { ValidatorContext } from './context.ts'
import { fetchDelta } from './fetchDelta.ts'
import { roundRecords } from './roundSteps.ts'
import { blockHash, clientAt } from './subnetView.ts'
import { carriedVoidRounds } from './voidRounds.ts'

/** A round's settlement as this validator computed it, published on IPFS. */
export type BuiltOutcome = { outcome: RoundOutcome; ledgerCid: string; checkpointCid: string; ledger: RoundLedger }

// The newest settled round before `round` in the state of block `at`: θ_r and the previous bonds.
async function parentOf(ctx: ValidatorContext, round: number, at: number, signal?: AbortSignal) {
  const state = await clientAt(ctx.client, await blockHash(ctx.client, at))
  const { rounds } = await readSettledRounds(state, { netuid: ctx.netuid })
  const settled = new Set(rounds.map((r) => r.round))
  const newest = rounds.filter((r) => r.round < round).at(-1)
  if (!newest) return { cid: ctx.view.genesisCheckpoint, ledger: null, round: null, settled }
  const bytes = await ctx.storage.get(newest.ledgerCid, {
    maxBytes: MAX_LEDGER_BYTES,
    timeoutMs: ctx.fetchTimeoutMs,
    signal,
  })
  const ledger = parseLedger(bytes)
  await ctx.storage.pin(newest.ledgerCid, { signal }).catch(() => undefined)
  return { cid: ledger.checkpoint, ledger, round: newest.round, settled }
}

// Every revealed report that fetches, parses and carries its validator's signature, by validator uid.
async function fetchReports(
  ctx: ValidatorContext,
  round: number,
  reveals: readonly { uid: number; hotkey: string; reportCid: string }[],
  signal?: AbortSignal,
): Promise<Map<number, ScoreReport>> {
  const { reports, skipped } = await fetchScoreReports({
    storage: ctx.storage,
    netuid: ctx.netuid,
    round,
    reveals,
    timeoutMs: ctx.fetchTimeoutMs,
    signal,
  })
  for (const s of skipped) ctx.logger.warn('score report not used', { round, uid: s.uid, cid: s.cid, reason: s.reason })
  for (const w of reveals.filter((r) => reports.has(r.uid)))
    await ctx.storage.pin(w.reportCid, { signal }).catch(() => undefined)
  return reports
}

// Dense deltas of the given reveals that this node can fetch and decode (accepted ones are needed), fetched in parallel.
async function fetchDeltas(
  ctx: ValidatorContext,
  round: number,
  reveals: readonly { uid: number; hotkey: string; shard: number; cid: string }[],
  signal?: AbortSignal,
): Promise<Map<string, NamedTensor[]>> {
  const out = new Map<string, NamedTensor[]>()
  await Promise.all(
    reveals.map(async (d) => {
      const shard = ctx.plan.shards[d.shard]
      if (!shard) return
      const got = await fetchDelta({
        storage: ctx.storage,
        cid: d.cid,
        hotkey: d.hotkey,
        round,
        shard: d.shard,
        shapes: shard.names.map((name) => ({ name, shape: ctx.paramShapes.get(name) ?? [] })),
        config: ctx.view.config,
        timeoutMs: ctx.fetchTimeoutMs,
        logger: ctx.logger,
        signal,
      })
      if (got.valid) out.set(d.cid, got.decoded.delta)
    }),
  )
  return out
}

/**
 * Computes round `round`'s settlement from chain data and IPFS content alone (docs/network.md step 5)
 * and publishes it: records and metagraph as of the weights-reveal grace end, signed reports, stake
 * at the round's first block, θ_r and bonds of the newest round settled by then, `computeRoundOutcome`,
 * then the checkpoint directory and the ledger added and pinned (with the accepted deltas).
 */
export async function buildRoundOutcome(
  ctx: ValidatorContext,
  round: number,
  signal?: AbortSignal,
): Promise<BuiltOutcome> {
  const w = ctx.view.schedule.forRound(round)
  const end = w.weightsReveal.graceEnd
  const { deltaReveals, weightReveals, ignored } = roundRecords(ctx, round, end)
  // Once per build, the records that did not count and why (a copied or altered weights reveal...).
  for (const i of ignored)
    if (i.code !== 'round' && i.code !== 'netuid')
      ctx.logger.info('record ignored', { round, block: i.block, signer: i.signer, code: i.code, why: i.reason })
  const members = ctx.chain.membersAt(end)
  const parent = await parentOf(ctx, round, end, signal)
  const theta = await ctx.checkpoint(parent.cid, signal)
  // Void rounds' emission is carried over (design §2), each void round once.
  const carried = carriedVoidRounds({
    round,
    settled: parent.settled,
    hadReveals: (q) =>
      roundRecords(ctx, q, ctx.view.schedule.forRound(q).weightsReveal.graceEnd).weightReveals.length > 0,
  })
  if (carried.length > 0) ctx.logger.info('carrying over the emission of void rounds', { round, void: carried })
  const prevHotkey = new Map(parent.ledger?.metagraph.map((m) => [m.uid, m.hotkey]) ?? [])
  const reports = await fetchReports(ctx, round, weightReveals, signal)
  // Only deltas some report vouches for can be accepted: one that nobody could fetch is not waited for again.
  const deltas = await fetchDeltas(ctx, round, vouchedReveals(deltaReveals, reports.values()), signal)
  const outcome = computeRoundOutcome({
    subnet: { netuid: ctx.netuid, config: ctx.view.config, owner: ctx.view.owner },
    round,
    members,
    deltaReveals,
    weightReveals,
    reports,
    stake: await readStakeSnapshot(ctx.client, { block: w.firstBlock, members }),
    bondsPrev: parent.ledger ? bondsOf(parent.ledger) : null,
    replacedUids: members.filter((m) => prevHotkey.has(m.uid) && prevHotkey.get(m.uid) !== m.hotkey).map((m) => m.uid),
    theta,
    deltas,
    parentCid: parent.cid,
    emission: BigInt(ctx.view.config.subnet.emissionPerRound) * BigInt(1 + carried.length),
  })
  for (const r of outcome.ignoredReports) ctx.logger.warn('report ignored', { round, uid: r.uid, reason: r.reason })
  const { files, reportLoss: after } = await buildOutcomeCheckpoint({
    outcome,
    task: ctx.task,
    config: ctx.view.config,
    backend: ctx.backend,
  })
  const checkpointCid = (await ctx.storage.add(files, { signal })).toString()
  await ctx.storage.pin(checkpointCid, { signal })
  const ledger: RoundLedger = {
    ...outcome.ledger,
    checkpoint: checkpointCid,
    reportLoss: { before: theta.manifest.reportLoss, after },
  }
  const ledgerCid = (await ctx.storage.add(encodeLedger(ledger), { signal })).toString()
  await ctx.storage.pin(ledgerCid, { signal })
  for (const a of outcome.accepted) await ctx.storage.pin(a.cid, { signal }).catch(() => undefined)
  return { outcome, ledgerCid, checkpointCid, ledger }
}

function bondsOf(ledger: RoundLedger): bigint[][] {
  return bondsFromSparse(
    ledger.bonds,
    ledger.metagraph.reduce((max, m) => Math.max(max, m.uid + 1), 0),
  )
}
