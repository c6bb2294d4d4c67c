import { commitWeights, revealWeights, submitRecord } from '../chain/actions/index.ts'
import {
  type CollectRoundReturnType,
  collectRoundRecords,
  type Hex32,
  type Member,
  randomHex32,
  weightsFromScores,
} from '../chain/protocol/index.ts'
import { describeError } from '../shared/errors/index.ts'
import { assignPages, drawEvalPages, trainingPages, unassignedPages } from '../shared/tasks/index.ts'
import { loadScores, saveScores, type ValidatorContext } from './context.ts'
import { evaluateRound } from './evaluateRound.ts'
import { badRevealSalt, commitToCopy, outlierWeights, revealToCopy, withUnreachable } from './faults/index.ts'
import { buildScoreReport, publishReport } from './publishReport.ts'
import { type RoundState, saveRoundState } from './roundState.ts'
import { scoreRound, smoothScores } from './scoreRound.ts'
import { allowedBase, blockHash, scoringBase } from './subnetView.ts'
import { uncountedReveals } from './uncountedReveals.ts'

/** A new round state with a fresh salt and eval seed, nothing done yet. */
export function newRoundState(ctx: ValidatorContext, round: number): RoundState {
  return {
    v: 1,
    netuid: ctx.netuid,
    round,
    hotkey: ctx.pair.address,
    salt: randomHex32(),
    evalSeed: randomHex32(),
    committed: false,
    revealed: false,
    settled: false,
  }
}

/** Draws and persists the round's salt and eval seed when the round is first seen (before its commit closes). */
export async function seedRound(ctx: ValidatorContext, round: number): Promise<RoundState> {
  const state = newRoundState(ctx, round)
  await saveRoundState(ctx.dataDir, state)
  return state
}

/** The counted records of a round up to block `to`, against the metagraph at that block. */
export function roundRecords(ctx: ValidatorContext, round: number, to: number): CollectRoundReturnType {
  const { config, schedule } = ctx.view
  const out = collectRoundRecords({
    netuid: ctx.netuid,
    round,
    remarks: ctx.chain.remarksIn(schedule.forRound(round).firstBlock, to),
    members: ctx.chain.membersAt(to),
    schedule,
    config,
  })
  for (const i of out.ignored)
    ctx.logger.debug('record ignored', { round, block: i.block, code: i.code, why: i.reason })
  return out
}

// Each miner's assigned pages this round; a miner whose draw fails (too few pages) gets none.
function assignments(ctx: ValidatorContext, miners: Member[], round: number, trainHash: Hex32): Map<string, number[]> {
  const pool = trainingPages(ctx.task)
  const out = new Map<string, number[]>()
  for (const m of miners) {
    try {
      out.set(
        m.hotkey,
        assignPages({
          datasetId: ctx.task.datasetId,
          pool,
          hotkey: m.hotkey,
          round,
          blockHash: trainHash,
          count: ctx.view.config.task.pagesPerMiner,
        }),
      )
    } catch (err) {
      ctx.logger.warn('no page assignment', { uid: m.uid, reason: describeError(err) })
    }
  }
  return out
}

/**
 * The evaluate step (docs/network.md step 3): counted reveals, eval pages from the persisted eval
 * seed and the commit-closing block, fetch/decode/score every delta, smooth, sign and publish the
 * report, then persist weights and report CID — all before any commit is sent.
 */
export async function evaluateStep(
  ctx: ValidatorContext,
  state: RoundState,
  signal?: AbortSignal,
): Promise<RoundState> {
  const round = state.round
  const w = ctx.view.schedule.forRound(round)
  const log = ctx.logger.forComponent('validator:round')
  const records = roundRecords(ctx, round, w.reveal.graceEnd)
  const { deltaReveals } = records
  const miners = ctx.chain.membersAt(w.reveal.graceEnd).filter((m) => m.role === 'miner')
  const trainHash = (await blockHash(ctx.client, w.trainBlock)) as Hex32
  const closeHash = (await blockHash(ctx.client, w.commitClosedBlock)) as Hex32
  const assigned = assignments(ctx, miners, round, trainHash)
  const evalPages = drawEvalPages({
    pool: unassignedPages(trainingPages(ctx.task), [...assigned.values()]),
    evalSeed: state.evalSeed,
    closeBlockHash: closeHash,
    count: ctx.view.config.task.evalPages,
  })
  const base = await allowedBase(ctx.client, ctx.storage, ctx.view, { round, timeoutMs: ctx.fetchTimeoutMs, signal })
  const scoreAt = await scoringBase(ctx.client, ctx.storage, ctx.view, { round, timeoutMs: ctx.fetchTimeoutMs, signal })
  const measurements = await evaluateRound({
    task: ctx.task,
    config: ctx.view.config,
    plan: ctx.plan,
    paramShapes: ctx.paramShapes,
    backend: ctx.backend,
    losses: ctx.losses,
    storage: withUnreachable(
      ctx.storage,
      new Set(deltaReveals.filter((d) => ctx.unreachable?.has(d.hotkey)).map((d) => d.cid)),
    ),
    round,
    reveals: deltaReveals,
    allowedBases: new Set([base.cid]),
    scoreAt: scoreAt.cid,
    loadParams: async (cid) => (await ctx.checkpoint(cid, signal)).params,
    loadSpent: async (cid) => (await ctx.checkpoint(cid, signal)).manifest,
    evalPages,
    assignedPages: assigned,
    proofSeed: [state.evalSeed, closeHash],
    fetchTimeoutMs: ctx.fetchTimeoutMs,
    logger: ctx.logger,
    signal,
  })
  // Reveals that landed but did not count get a row too, so their miners see why (copy-late, no commit).
  const uncounted = uncountedReveals({
    round,
    netuid: ctx.netuid,
    ignored: records.ignored,
    remarks: ctx.chain.remarksIn(w.firstBlock, w.reveal.graceEnd),
    miners,
    counted: deltaReveals,
  })
  for (const m of measurements)
    if (m.fetchSeconds !== undefined) ctx.emit({ kind: 'fetch', ok: m.fetched, seconds: m.fetchSeconds })
  const rows = scoreRound([...measurements, ...uncounted])
  ctx.emit({ kind: 'scored', round, scores: rows.map((r) => r.score) })
  const smoothed = await smoothOnce(ctx, round, rows, miners)
  const honest = weightsFromScores(new Map(miners.map((m) => [m.uid, smoothed.get(m.hotkey) ?? 0])))
  const weights = ctx.faults?.has('outlier')
    ? outlierWeights(
        honest,
        miners.map((m) => m.uid),
      )
    : honest
  if (weights !== honest) log.warn('faulty validator (outlier): all weight to one miner', { round, weights })
  const report = buildScoreReport({ netuid: ctx.netuid, round, validator: ctx.pair.address, evalPages, rows })
  const reportCid = await publishReport(ctx.storage, report, ctx.pair, { signal })
  const next: RoundState = { ...state, weights, reportCid }
  await saveRoundState(ctx.dataDir, next)
  log.info('round evaluated', {
    round,
    deltas: rows.length,
    scored: rows.filter((r) => r.score > 0).length,
    zero: rows.filter((r) => r.score === 0).map((r) => `${r.uid}:${r.reason}`),
    reportCid,
  })
  return next
}

// Folds the round into the EMA once, even across a restart between the two writes.
async function smoothOnce(
  ctx: ValidatorContext,
  round: number,
  rows: readonly { hotkey: string; score: number }[],
  miners: readonly Member[],
): Promise<Map<string, number>> {
  const prev = await loadScores(ctx.dataDir)
  if (prev.round >= round) return prev.scores
  const current = new Map(rows.map((r) => [r.hotkey, r.score]))
  const scores = smoothScores(
    prev.scores,
    current,
    miners.map((m) => m.hotkey),
  )
  await saveScores(ctx.dataDir, { round, scores })
  return scores
}

/** Sends the weights commit of a persisted evaluation, then marks it sent. */
export async function commitStep(ctx: ValidatorContext, state: RoundState, signal?: AbortSignal): Promise<RoundState> {
  if (!state.weights || !state.reportCid) return state
  if (ctx.faults?.has('copier')) return copierCommit(ctx, state, signal)
  const receipt = await commitWeights(ctx.client, {
    signer: ctx.pair,
    schedule: ctx.view.schedule,
    netuid: ctx.netuid,
    round: state.round,
    weights: state.weights,
    salt: state.salt as Hex32,
    evalSeed: state.evalSeed as Hex32,
    signal,
  })
  const next = { ...state, committed: true }
  await saveRoundState(ctx.dataDir, next)
  ctx.logger.info('weights committed', { round: state.round, block: receipt.block })
  ctx.emit({ kind: 'weights-committed', round: state.round })
  return next
}

/**
 * Reveals the persisted weights, salt, eval seed and report CID, then marks them revealed. When the
 * state does not say the commit was sent (a crash between sending and saving), the chain decides:
 * reveal only if a commit of this hotkey counted, so no fee is paid for a reveal that cannot count.
 */
export async function revealStep(ctx: ValidatorContext, state: RoundState, signal?: AbortSignal): Promise<RoundState> {
  if (!state.weights || !state.reportCid) return state
  if (ctx.faults?.has('no-reveal')) {
    ctx.logger.warn('faulty validator (no-reveal): committed, not revealing', { round: state.round })
    const next = { ...state, revealed: true }
    await saveRoundState(ctx.dataDir, next)
    return next
  }
  if (ctx.faults?.has('copier')) return copierReveal(ctx, state, signal)
  if (!state.committed) {
    const w = ctx.view.schedule.forRound(state.round)
    const me = ctx.chain.find(ctx.pair.address, w.evaluate.graceEnd)
    const counted = roundRecords(ctx, state.round, w.evaluate.graceEnd).weightCommits.some((c) => c.uid === me?.uid)
    if (!counted) {
      ctx.logger.warn('no counted weights commit this round; nothing to reveal', { round: state.round })
      const next = { ...state, revealed: true }
      await saveRoundState(ctx.dataDir, next)
      return next
    }
  }
  const receipt = await revealWeights(ctx.client, {
    signer: ctx.pair,
    schedule: ctx.view.schedule,
    netuid: ctx.netuid,
    round: state.round,
    weights: state.weights,
    salt: ctx.faults?.has('bad-reveal') ? badRevealSalt(state.salt as Hex32) : (state.salt as Hex32),
    evalSeed: state.evalSeed as Hex32,
    reportCid: state.reportCid,
    signal,
  })
  if (ctx.faults?.has('bad-reveal'))
    ctx.logger.warn('faulty validator (bad-reveal): revealed another salt than committed', { round: state.round })
  const next = { ...state, revealed: true }
  await saveRoundState(ctx.dataDir, next)
  ctx.logger.info('weights revealed', { round: state.round, block: receipt.block })
  ctx.emit({ kind: 'weights-revealed', round: state.round })
  return next
}

/** `copier`: once another validator's weights commit counted, sends the same hash as this hotkey's commit. */
async function copierCommit(ctx: ValidatorContext, state: RoundState, signal?: AbortSignal): Promise<RoundState> {
  const head = (await ctx.client.finalizedHead()).number
  const target = commitToCopy(roundRecords(ctx, state.round, head).weightCommits, ctx.pair.address)
  if (!target) return state
  const receipt = await submitRecord(
    ctx.client,
    { v: 1, t: 'weights-commit', netuid: ctx.netuid, round: state.round, hash: target.hash },
    'evaluate',
    { signer: ctx.pair, schedule: ctx.view.schedule, signal },
  )
  const next = { ...state, committed: true }
  await saveRoundState(ctx.dataDir, next)
  ctx.logger.warn('faulty validator (copier): copied a weights commit', {
    round: state.round,
    from: target.hotkey,
    block: receipt.block,
  })
  return next
}

/** `copier`: once the copied validator's reveal counted, sends its weights, salt, eval seed and report as ours. */
async function copierReveal(ctx: ValidatorContext, state: RoundState, signal?: AbortSignal): Promise<RoundState> {
  const head = (await ctx.client.finalizedHead()).number
  const records = roundRecords(ctx, state.round, head)
  const target = revealToCopy(records.weightReveals, records.weightCommits, ctx.pair.address)
  if (!target) return state
  const receipt = await revealWeights(ctx.client, {
    signer: ctx.pair,
    schedule: ctx.view.schedule,
    netuid: ctx.netuid,
    round: state.round,
    weights: target.weights,
    salt: target.salt,
    evalSeed: target.evalSeed,
    reportCid: target.reportCid,
    signal,
  })
  const next = { ...state, revealed: true }
  await saveRoundState(ctx.dataDir, next)
  ctx.logger.warn("faulty validator (copier): re-revealed another validator's weights", {
    round: state.round,
    from: target.hotkey,
    block: receipt.block,
  })
  return next
}
