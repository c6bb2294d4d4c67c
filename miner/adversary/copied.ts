import { revealDelta, WindowClosedError } from '../../chain/index.ts'
import type { Member } from '../../chain/protocol/index.ts'
import { accountId } from '../../chain/protocol/index.ts'
import { compressDelta, decodeDelta, decompressDelta, encodeDelta, maxDeltaNorm } from '../../shared/codec/index.ts'
import { describeError } from '../../shared/errors/index.ts'
import { shardTensors } from '../../shared/shards/index.ts'
import type { MinerContext } from '../minerContext.ts'
import { countedReveals } from './chainReveals.ts'
import { adversaryRng } from './craftDelta.ts'
import { readSharedDelta } from './shareFile.ts'
import { pinForeign, storeBytes } from './store.ts'
import type { RoundDelta, RoundInput } from './types.ts'

const POLL_MS = 500
/** Relative noise the noisy twin puts on each kept value: far too little to change the delta's direction. */
const TWIN_NOISE = 0.05
/** Cap for fetching an earlier delta to replay (any shard of a CPU-sized model). */
const REPLAY_MAX_BYTES = 64 * 1024 * 1024

/**
 * Replay: commits and reveals a delta CID that counted in an earlier round (another miner's when it
 * can). With pipelined rounds it "trains" round r before round r − 1's reveals are in: it waits for
 * them, until its own commit window closes.
 */
export async function replayDelta(ctx: MinerContext, input: RoundInput): Promise<RoundDelta | { skip: string }> {
  const close = ctx.view.schedule.forRound(input.round).commit.graceEnd
  for (;;) {
    const found = await earlierDelta(ctx, input)
    if (found) return found
    if (ctx.head + 1 >= close) return { skip: 'adversary replay: no delta of an earlier round to replay yet' }
    await sleep(POLL_MS, ctx.signal)
  }
}

async function earlierDelta(ctx: MinerContext, input: RoundInput): Promise<RoundDelta | undefined> {
  const me = accountId(ctx.pair.address)
  // Best: a delta the network accepted last round (folded into this round's base), of this shard.
  const accepted = input.aggregated.find((d) => accountId(d.hotkey) !== me && d.shard === input.shard)
  if (accepted) {
    ctx.log.info('adversary: replaying an accepted delta', { round: input.round, uid: accepted.uid, cid: accepted.cid })
    return pinForeign(ctx, accepted.cid, REPLAY_MAX_BYTES)
  }
  for (let r = input.round - 1; r >= Math.max(0, input.round - 3); r--) {
    const w = ctx.view.schedule.forRound(r).reveal
    if (ctx.head < w.graceEnd) continue
    const reveals = await countedReveals(ctx, r, w.graceEnd)
    const pick =
      reveals.find((x) => accountId(x.hotkey) !== me && x.shard === input.shard) ??
      reveals.find((x) => accountId(x.hotkey) !== me) ??
      reveals[0]
    if (!pick) continue
    ctx.log.info('adversary: replaying an earlier delta', { round: input.round, from: r, uid: pick.uid, cid: pick.cid })
    return pinForeign(ctx, pick.cid, REPLAY_MAX_BYTES)
  }
  return undefined
}

/**
 * A sybil twin: waits for the leader's delta file of the round (the operator's shared file), then
 * stores it under its own hotkey, as a second identity of one operator would: the same values
 * (or, noisy, each kept value off by a few percent), its own metadata.
 */
export async function twinDelta(
  ctx: MinerContext,
  input: RoundInput,
  shareFile: string,
  noisy: boolean,
): Promise<RoundDelta | { skip: string }> {
  const w = ctx.view.schedule.forRound(input.round)
  let shared = await readSharedDelta(shareFile, input.round)
  while (!shared) {
    ctx.signal.throwIfAborted()
    if (ctx.head + 1 > w.commit.graceEnd) return { skip: 'adversary sybil twin: the leader shared no delta in time' }
    await sleep(POLL_MS, ctx.signal)
    shared = await readSharedDelta(shareFile, input.round)
  }
  // The leader may train another shard (uids of one operator need not share one): the twin still
  // submits the leader's values under its own shard, as a lazy sybil would, and validators refuse them.
  const like = shardTensors(input.params, ctx.plan, shared.shard)
  const cfg = ctx.view.config
  const decoded = decodeDelta(shared.bytes, {
    shapes: like,
    maxBytes: shared.bytes.length,
    maxNorm: maxDeltaNorm(cfg, like),
  })
  let compressed = decoded.compressed
  if (noisy) {
    const rng = adversaryRng('sybil-noisy-twin', ctx.pair.address, input.round)
    const dense = decompressDelta(compressed).map((t) => ({
      ...t,
      data: t.data.map((x) => (x === 0 ? 0 : x * (1 + TWIN_NOISE * rng.normal()))),
    }))
    compressed = compressDelta(dense, undefined, cfg.compress).compressed
  }
  const bytes = encodeDelta(compressed, { ...decoded.meta, hotkey: ctx.pair.address, shard: input.shard })
  ctx.log.info('adversary: re-used the leader delta', { round: input.round, noisy, leaderShard: decoded.meta.shard })
  return storeBytes(ctx, bytes)
}

/**
 * Recycle: last round's heaviest accepted delta of this shard (another miner's, folded into this
 * round's base), re-labelled with this round, base and hotkey — no training at all.
 */
export async function recycleDelta(ctx: MinerContext, input: RoundInput): Promise<RoundDelta | { skip: string }> {
  const me = accountId(ctx.pair.address)
  // The heaviest of this shard; else any (its tensors then do not fit this shard, and validators say so).
  const others = [...input.aggregated]
    .filter((d) => accountId(d.hotkey) !== me)
    .sort((a, b) => (b.weight ?? 0) - (a.weight ?? 0) || a.uid - b.uid)
  const pick = others.find((d) => d.shard === input.shard) ?? others[0]
  if (!pick) return { skip: 'adversary recycle: no accepted delta in the base yet' }
  const like = shardTensors(input.params, ctx.plan, pick.shard)
  const bytes = await ctx.storage.get(pick.cid, { maxBytes: REPLAY_MAX_BYTES, timeoutMs: 30_000, signal: ctx.signal })
  const decoded = decodeDelta(bytes, {
    shapes: like,
    maxBytes: bytes.length,
    maxNorm: maxDeltaNorm(ctx.view.config, like),
  })
  const relabelled = encodeDelta(decoded.compressed, {
    ...decoded.meta,
    round: input.round,
    shard: input.shard,
    baseCid: input.base.cid,
    hotkey: ctx.pair.address,
  })
  ctx.log.info('adversary: recycled an accepted delta', { round: input.round, uid: pick.uid, cid: pick.cid })
  return storeBytes(ctx, relabelled)
}

/**
 * Copy-late: commits nothing; in the reveal window, reveals a CID another miner revealed this
 * round. The reveal has no matching commit, so every reader ignores it (`no-commit`).
 */
export async function copyLateRound(ctx: MinerContext, round: number, _me: Member): Promise<boolean> {
  if (ctx.memo.skipped.has(round)) return true
  const schedule = ctx.view.schedule
  const w = schedule.forRound(round)
  const next = ctx.head + 1
  if (next < w.reveal.start) return true
  const giveUp = (reason: string) => {
    ctx.memo.skipped.add(round)
    ctx.log.warn('round skipped', { round, reason })
    return true
  }
  if (next > w.reveal.graceEnd) return giveUp('adversary copy-late: nobody revealed before the window closed')
  const me = accountId(ctx.pair.address)
  const other = (await countedReveals(ctx, round, ctx.head)).find((x) => accountId(x.hotkey) !== me)
  if (!other) return true
  try {
    const res = await revealDelta(ctx.client, {
      signer: ctx.pair,
      netuid: ctx.view.netuid,
      round,
      shard: other.shard,
      cid: other.cid,
      schedule,
      signal: ctx.signal,
    })
    ctx.memo.skipped.add(round)
    ctx.log.info('adversary: copied reveal sent without a commit', {
      round,
      cid: other.cid,
      from: other.uid,
      block: res.block,
    })
  } catch (err) {
    if (!(err instanceof WindowClosedError)) throw err
    return giveUp(`adversary copy-late: ${describeError(err)}`)
  }
  return true
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms)
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(t)
        resolve()
      },
      { once: true },
    )
  })
}
