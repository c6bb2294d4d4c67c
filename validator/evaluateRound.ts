import { accountId, type DeltaRevealEntry } from '../chain/protocol/index.ts'
import { applyDelta, shardClipNorm } from '../shared/aggregate/index.ts'
import type { Backend } from '../shared/backend/index.ts'
import type { CheckpointDelta } from '../shared/checkpoint/index.ts'
import { type DecodedDelta, decodeDelta, revealedDeltaExpect } from '../shared/codec/index.ts'
import type { CrowdtrainConfig } from '../shared/config/index.ts'
import { describeError } from '../shared/errors/index.ts'
import { inProcessLosses, type LossEvaluator } from '../shared/eval/index.ts'
import type { Logger } from '../shared/logger/index.ts'
import type { SeedPart } from '../shared/random.ts'
import type { ShardPlan } from '../shared/shards/index.ts'
import type { Storage } from '../shared/storage/index.ts'
import type { Task } from '../shared/tasks/index.ts'
import type { NamedTensor } from '../shared/tensor.ts'
import { fetchDelta } from './fetchDelta.ts'
import { proveTraining } from './proveTraining.ts'
import { cosine, DEFAULT_SCORE_OPTIONS, type DeltaMeasurement, REASONS } from './scoreRound.ts'

/** The inputs of `evaluateRound`. */
export type EvaluateRoundParameters = {
  task: Task
  config: CrowdtrainConfig
  plan: ShardPlan
  /** Shape of every model tensor by name (from the model spec). */
  paramShapes: ReadonlyMap<string, readonly number[]>
  backend: Backend
  /** Computes the losses, on scoring workers (createLossPool); default: evaluateLoss on this thread. */
  losses?: LossEvaluator
  storage: Pick<Storage, 'get' | 'pin'>
  round: number
  /** Counted delta reveals of the round (from `collectRound`). */
  reveals: readonly DeltaRevealEntry[]
  /** Checkpoint CIDs a delta of this round may be built on. */
  allowedBases: ReadonlySet<string>
  /**
   * The checkpoint every delta is scored at (pipelined rounds: the newest settled, which the
   * settlement steps from; `scoringBase`); default: each delta's own base.
   */
  scoreAt?: string
  /** The full model θ of a checkpoint (cached by the caller). */
  loadParams: (cid: string) => Promise<NamedTensor[]>
  /**
   * The deltas already folded into a checkpoint (its manifest's round and `deltas`): a delta of this
   * round that repeats one of them (cosine above `duplicateCosine`) is recycled work.
   */
  loadSpent?: (cid: string) => Promise<{ round: number; deltas: readonly CheckpointDelta[] }>
  /** This validator's eval pages for the round. */
  evalPages: readonly number[]
  /** Each miner's assigned pages this round, by hotkey: the proof of training is replayed on them. */
  assignedPages: ReadonlyMap<string, readonly number[]>
  /**
   * What draws the segment each delta's proof is replayed on, unknown to miners when they committed
   * (the validator's eval seed and the commit-closing block hash).
   */
  proofSeed: readonly SeedPart[]
  fetchTimeoutMs: number
  logger: Logger
  signal?: AbortSignal
}

/** θ with one shard's tensors replaced (same order as θ). */
export function withShard(params: readonly NamedTensor[], shard: readonly NamedTensor[]): NamedTensor[] {
  const byName = new Map(shard.map((t) => [t.name, t]))
  return params.map((t) => byName.get(t.name) ?? t)
}

/** The tensors of θ that belong to a shard, in shard order. */
export function shardParams(params: readonly NamedTensor[], names: readonly string[]): NamedTensor[] {
  const byName = new Map(params.map((t) => [t.name, t]))
  return names.map((n) => byName.get(n)!)
}

/**
 * Fetches and checks every revealed delta of a round, then measures each valid one: loss of θ_base
 * and θ_base + (η/n_s)·clip(Δ) on the eval pages, n_s the number of valid deltas of its shard (the
 * delta's share of the shard's mean step), where clip scales Δ down to its shard's clip norm
 * (`shardClipNorm`: the lower median of the norms of the shard's valid deltas this round) — so a
 * delta's size beyond its peers' buys no score. Memory: every valid dense delta of the round (the near-duplicate check compares them all).
 * A failure of one delta is recorded with its reason and never stops the others.
 */
export async function evaluateRound(p: EvaluateRoundParameters): Promise<DeltaMeasurement[]> {
  const log = p.logger.forComponent('validator:evaluate')
  const losses = p.losses ?? inProcessLosses(p)
  const baseLoss = new Map<string, Promise<number>>()
  const out: DeltaMeasurement[] = []
  // Pass 1: fetch and decode every delta (the shard's clip norm is the median of the valid ones).
  type Fetched = { reveal: DeltaRevealEntry; names: readonly string[]; decoded: DecodedDelta; fetchSeconds: number }
  const decodedOk: Fetched[] = []
  for (const reveal of p.reveals) {
    p.signal?.throwIfAborted()
    const row = { uid: reveal.uid, hotkey: reveal.hotkey, cid: reveal.cid, shard: reveal.shard }
    const shard = p.plan.shards[reveal.shard]
    if (!shard) {
      out.push({ ...row, fetched: false, valid: false, reason: `no shard ${reveal.shard} in the plan` })
      continue
    }
    const shapes = shard.names.map((name) => ({ name, shape: p.paramShapes.get(name) ?? [] }))
    const fetchStarted = performance.now()
    const got = await fetchDelta({
      storage: p.storage,
      cid: reveal.cid,
      hotkey: reveal.hotkey,
      round: p.round,
      shard: reveal.shard,
      shapes,
      config: p.config,
      allowedBases: p.allowedBases,
      timeoutMs: p.fetchTimeoutMs,
      logger: p.logger,
      signal: p.signal,
    })
    const fetchSeconds = Math.round(performance.now() - fetchStarted) / 1000
    if (!got.valid) out.push({ ...row, fetched: got.fetched, valid: false, reason: got.reason, fetchSeconds })
    else decodedOk.push({ reveal, names: shard.names, decoded: got.decoded, fetchSeconds })
  }
  // Pass 2: the proof of training, before anything is measured — unproven deltas neither score nor
  // set the clip norm. Up to PROOFS_AT_ONCE proofs fetch their snapshots at once (memory: four
  // snapshots each, ≤ 40 MB on the default model) while one replays (one backend).
  const replays = oneAtATime()
  const proofs = await mapLimited(decodedOk, PROOFS_AT_ONCE, (f) => prove(p, f, replays))
  const fetched: Fetched[] = []
  for (const [i, f] of decodedOk.entries()) {
    const row = { uid: f.reveal.uid, hotkey: f.reveal.hotkey, cid: f.reveal.cid, shard: f.reveal.shard }
    const verdict = proofs[i]
    if (verdict.ok) {
      fetched.push(f)
      continue
    }
    log.info(verdict.reason === REASONS.evalFailed ? 'delta not evaluated' : 'delta unproven', {
      uid: f.reveal.uid,
      cid: f.reveal.cid,
      reason: verdict.reason,
    })
    out.push({ ...row, fetched: true, valid: true, reason: verdict.reason, fetchSeconds: f.fetchSeconds })
  }
  const clipOf = new Map<number, number>()
  const countOf = new Map<number, number>()
  for (const s of new Set(fetched.map((f) => f.reveal.shard))) {
    const norms = fetched.filter((f) => f.reveal.shard === s).map((f) => f.decoded.norm)
    clipOf.set(s, shardClipNorm(norms, p.config.outer.clipNorm))
    countOf.set(s, norms.length)
  }
  // The deltas each base already holds, decoded once per base (for the recycled check).
  const spent = new Map<string, Promise<{ uid: number; hotkey: string; shard: number; dense: Float32Array[] }[]>>()
  const spentOf = (baseCid: string) => {
    if (!p.loadSpent) return Promise.resolve([])
    let got = spent.get(baseCid)
    if (!got) {
      got = decodeSpent(p, baseCid)
      spent.set(baseCid, got)
    }
    return got
  }
  // Pass 3: measure each proven delta at its shard's clip norm, as many at once as there are scoring
  // workers (each holds one stepped model); the results keep the reveals' order.
  const measure = async ({
    reveal,
    names,
    decoded,
    fetchSeconds,
  }: (typeof fetched)[number]): Promise<DeltaMeasurement> => {
    p.signal?.throwIfAborted()
    const row = { uid: reveal.uid, hotkey: reveal.hotkey, cid: reveal.cid, shard: reveal.shard, fetchSeconds }
    try {
      const key = p.scoreAt ?? decoded.meta.baseCid
      const base = await p.loadParams(key)
      const stepped = applyDelta(
        shardParams(base, names),
        decoded.delta,
        p.config.outer.lr / (countOf.get(reveal.shard) ?? 1),
        clipOf.get(reveal.shard) ?? p.config.outer.clipNorm,
      )
      const theta = withShard(base, stepped)
      if (!baseLoss.has(key)) baseLoss.set(key, losses.loss(base, p.evalPages))
      const [lossBase, lossStep] = (await Promise.all([baseLoss.get(key)!, losses.loss(theta, p.evalPages)])).map(
        round6,
      )
      const dense = decoded.delta.map((t) => t.data)
      // Another miner's delta only: a miner's own consecutive deltas share its carried residual.
      const recycled = (await spentOf(key)).find(
        (x) =>
          x.shard === reveal.shard &&
          accountId(x.hotkey) !== accountId(reveal.hotkey) &&
          cosine(dense, x.dense) > DEFAULT_SCORE_OPTIONS.duplicateCosine,
      )
      log.info('delta scored', { uid: reveal.uid, cid: reveal.cid })
      return {
        ...row,
        fetched: true,
        valid: true,
        lossBase,
        lossStep,
        ...(recycled ? { recycledFrom: recycled.uid } : {}),
        dense,
      }
    } catch (err) {
      if (p.signal?.aborted) throw err
      log.warn('delta not evaluated', { uid: reveal.uid, cid: reveal.cid, reason: describeError(err) })
      return { ...row, fetched: true, valid: true, reason: REASONS.evalFailed }
    }
  }
  out.push(...(await mapLimited(fetched, losses.workers, measure)))
  return out
}

/** fn over every item, at most `limit` at once; results in the items' order. */
async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (x: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length)
  let next = 0
  const lane = async () => {
    while (next < items.length) {
      const i = next++
      results[i] = await fn(items[i])
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane))
  return results
}

/** Losses in reports are rounded to 1e-6: enough to rank, short to read. */
function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6
}

// The dense deltas a checkpoint's manifest lists, decoded as at their own round; one that cannot be
// fetched or decoded is left out (the check then only misses it).
async function decodeSpent(p: EvaluateRoundParameters, baseCid: string) {
  const { round, deltas } = await p.loadSpent!(baseCid)
  const out: { uid: number; hotkey: string; shard: number; dense: Float32Array[] }[] = []
  for (const d of deltas) {
    const shard = p.plan.shards[d.shard]
    if (!shard) continue
    const expect = revealedDeltaExpect({
      shapes: shard.names.map((name) => ({ name, shape: p.paramShapes.get(name) ?? [] })),
      config: p.config,
      round,
      shard: d.shard,
      hotkey: d.hotkey,
    })
    try {
      const bytes = await p.storage.get(d.cid, {
        maxBytes: expect.maxBytes,
        timeoutMs: p.fetchTimeoutMs,
        signal: p.signal,
      })
      out.push({
        uid: d.uid,
        hotkey: d.hotkey,
        shard: d.shard,
        dense: decodeDelta(bytes, expect).delta.map((t) => t.data),
      })
    } catch (err) {
      if (p.signal?.aborted) throw err
    }
  }
  return out
}

/** Proofs of training checked at once: their snapshot fetches overlap another delta's replay. */
const PROOFS_AT_ONCE = 3

/** Runs the functions it is given one after another, in the order given. */
function oneAtATime(): <T>(fn: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve()
  return (fn) => {
    const run = tail.then(fn, fn)
    tail = run.catch(() => {})
    return run
  }
}

// One delta's proof of training: proven, or the reason it is not (a checkpoint that cannot be loaded: eval-failed).
async function prove(
  p: EvaluateRoundParameters,
  f: { reveal: DeltaRevealEntry; decoded: DecodedDelta },
  replays: <T>(fn: () => Promise<T>) => Promise<T>,
): Promise<{ ok: true } | { ok: false; reason: string }> {
  const log = p.logger.forComponent('validator:evaluate')
  let checkpoints: { base: NamedTensor[]; rebaseTarget?: NamedTensor[] }
  try {
    const baseCid = f.decoded.meta.baseCid
    const base = await p.loadParams(baseCid)
    checkpoints = { base, rebaseTarget: p.scoreAt && p.scoreAt !== baseCid ? await p.loadParams(p.scoreAt) : undefined }
  } catch (err) {
    if (p.signal?.aborted) throw err
    log.warn('checkpoint not loaded', { uid: f.reveal.uid, reason: describeError(err) })
    return { ok: false, reason: REASONS.evalFailed }
  }
  const proven = await proveTraining({
    ...{ task: p.task, config: p.config, plan: p.plan, backend: p.backend, storage: p.storage, round: p.round },
    ...checkpoints,
    hotkey: f.reveal.hotkey,
    decoded: f.decoded,
    pages: p.assignedPages.get(f.reveal.hotkey),
    drawSeed: [...p.proofSeed, f.reveal.cid],
    fetchTimeoutMs: p.fetchTimeoutMs,
    signal: p.signal,
    replays,
  })
  if (!proven.proven) return { ok: false, reason: proven.reason }
  const { segment, distance, fetchSeconds: snapshotSeconds, replaySeconds } = proven
  log.info('training proven', { uid: f.reveal.uid, segment, distance, snapshotSeconds, replaySeconds })
  return { ok: true }
}
