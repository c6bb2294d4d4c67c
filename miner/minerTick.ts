import { commitDelta, register, revealDelta, WindowClosedError } from '../chain/index.ts'
import type { Member } from '../chain/protocol/index.ts'
import { describeError } from '../shared/errors/index.ts'
import { dialMissing } from '../shared/storage/index.ts'
import { type MinerContext, saveState } from './minerContext.ts'
import { nextAction } from './nextAction.ts'
import { findOwnRecord } from './ownRecords.ts'
import { claimRewards, unpinFinished } from './settlements.ts'
import type { MinerState, RoundEntry } from './stateStore.ts'
import { trainRound } from './trainRound.ts'

const GOSSIP_TTL_MS = 10 * 60_000

/** One pass over the current head: register, dial, settle bookkeeping, then the round's work. True when done. */
export async function minerTick(ctx: MinerContext): Promise<boolean> {
  const head = ctx.head
  const me = await ensureMember(ctx, head)
  if (me) await guarded(ctx, 'dialling validators', () => dialValidators(ctx))
  if (head >= ctx.view.genesisBlock) {
    const round = ctx.view.schedule.roundOf(head)
    for (const e of ctx.state.rounds) if (e.round < round) await workRound(ctx, e.round, me)
    // Pipelined rounds (staleness 1): round r + 1 trains while round r is revealed, scored and settled.
    for (let q = round; q <= round + ctx.view.schedule.staleness; q++) await workRound(ctx, q, me)
  }
  // Bookkeeping after the round's work, and apart from it: a failing claim must never stop a commit.
  await guarded(ctx, 'unpinning settled deltas', () => unpinFinished(ctx, ctx.head))
  startClaims(ctx)
  return finishedAll(ctx)
}

/** Runs a side task; a failure is logged with its reason and the step goes on. */
async function guarded(ctx: MinerContext, what: string, fn: () => Promise<void>): Promise<void> {
  try {
    await fn()
  } catch (err) {
    if (ctx.signal.aborted) throw err
    ctx.log.warn(`${what} failed; trying again later`, { reason: describeError(err) })
  }
}

/** Rounds that reached an end: revealed or given up. */
function worked(state: MinerState): RoundEntry[] {
  return state.rounds.filter((e) => e.revealedAt !== undefined || e.gaveUp !== undefined)
}

function finishedAll(ctx: MinerContext): boolean {
  if (ctx.roundsLimit === undefined || ctx.memo.training || ctx.memo.claiming) return false
  const w = worked(ctx.state)
  return w.length >= ctx.roundsLimit && w.every((e) => e.unpinned)
}

/** Steps one round as far as the head allows (train → commit → reveal), persisting before each send. */
async function workRound(ctx: MinerContext, round: number, me: Member | undefined): Promise<void> {
  if (me?.role === 'miner' && ctx.adversary?.workRound && (await ctx.adversary.workRound(ctx, round, me))) return
  const windows = ctx.view.schedule.forRound(round)
  for (let guard = 0; guard < 4; guard++) {
    const entry = ctx.state.rounds.find((e) => e.round === round)
    const action = nextAction({ windows, entry, head: ctx.head })
    if (action.kind === 'wait' || action.kind === 'done') return
    if (action.kind === 'give-up') {
      if (entry) {
        entry.gaveUp = action.reason
        await saveState(ctx)
      }
      if (entry || !ctx.memo.skipped.has(round)) {
        ctx.memo.skipped.add(round)
        ctx.log.warn('round skipped', { round, reason: action.reason })
        ctx.progress({ round, phase: 'give-up', message: action.reason })
      }
      return
    }
    if (action.kind === 'train') {
      if (me?.role !== 'miner' || ctx.memo.skipped.has(round)) return
      if (ctx.roundsLimit !== undefined && begun(ctx) >= ctx.roundsLimit) return
      startTraining(ctx, round, me)
      return
    }
    if (await landedAlready(ctx, action.entry, action.kind)) continue
    if (action.kind === 'commit') await sendCommit(ctx, action.entry)
    else await sendReveal(ctx, action.entry)
  }
}

/**
 * Claims in the background: a claim waits for its block, and the devnet's clock builds no block in
 * a commit window's grace for anything but the commits it waits for — a loop waiting there for its
 * claim would never send the commit of the delta its pipelined training just finished.
 */
function startClaims(ctx: MinerContext): void {
  if (ctx.memo.claiming) return
  ctx.memo.claiming = guarded(ctx, 'claiming rewards', () => claimRewards(ctx, ctx.head))
    .catch(() => undefined) // stopping: the miner is aborting, nothing to report
    .finally(() => {
      ctx.memo.claiming = undefined
    })
}

/** Rounds trained or given up: the miner begins no more than `roundsLimit` of them. */
function begun(ctx: MinerContext): number {
  return new Set([...ctx.state.rounds.map((e) => e.round), ...ctx.memo.skipped]).size
}

/**
 * Trains a round in the background, one round at a time, so that the loop keeps sending the other
 * rounds' commits, reveals and claims meanwhile (training yields between its steps); the loop is
 * woken when it ends. A failure is logged and the round is tried again at a later head.
 */
function startTraining(ctx: MinerContext, round: number, me: Member): void {
  if (ctx.memo.training) return
  const done = trainRound(ctx, round, me)
    .catch((err) => {
      if (!ctx.signal.aborted)
        ctx.log.error('training failed; trying again at the next head', { round, reason: describeError(err) })
    })
    .finally(() => {
      ctx.memo.training = undefined
      ctx.wake()
    })
  ctx.memo.training = { round, done }
}

/** After a restart, a record sent just before the crash may be on chain already: look before sending again. */
async function landedAlready(ctx: MinerContext, entry: RoundEntry, kind: 'commit' | 'reveal'): Promise<boolean> {
  const key = entry.round * 2 + (kind === 'reveal' ? 1 : 0)
  if (ctx.memo.checkedOnChain.has(key)) return false
  ctx.memo.checkedOnChain.add(key)
  const block = await findOwnRecord(ctx.client, {
    window: ctx.view.schedule.forRound(entry.round)[kind],
    head: ctx.head,
    signer: ctx.pair.address,
    netuid: ctx.view.netuid,
    round: entry.round,
    kind,
    cid: entry.cid,
    signal: ctx.signal,
  })
  if (block === undefined) return false
  if (kind === 'commit') entry.committedAt = block
  else entry.revealedAt = block
  ctx.log.info(`${kind} found on chain from before the restart`, { round: entry.round, block })
  await saveState(ctx)
  return true
}

async function sendCommit(ctx: MinerContext, entry: RoundEntry): Promise<void> {
  try {
    const res = await commitDelta(ctx.client, {
      signer: ctx.pair,
      netuid: ctx.view.netuid,
      round: entry.round,
      cid: entry.cid,
      schedule: ctx.view.schedule,
      signal: ctx.signal,
    })
    entry.committedAt = res.block
    ctx.log.info('delta committed', { round: entry.round, block: res.block, hash: res.hash })
    ctx.progress({ round: entry.round, phase: 'commit', cid: entry.cid, message: `block ${res.block}` })
  } catch (err) {
    if (!(err instanceof WindowClosedError)) throw err
    entry.gaveUp = `commit refused: ${err.shortMessage}`
  }
  await saveState(ctx)
}

async function sendReveal(ctx: MinerContext, entry: RoundEntry): Promise<void> {
  const { round, shard, cid } = entry
  try {
    const res = await revealDelta(ctx.client, {
      signer: ctx.pair,
      netuid: ctx.view.netuid,
      round,
      shard,
      cid,
      schedule: ctx.view.schedule,
      signal: ctx.signal,
    })
    entry.revealedAt = res.block
    ctx.log.info('delta revealed', { round, shard, cid, block: res.block })
    ctx.progress({ round, phase: 'reveal', cid, message: `block ${res.block}` })
  } catch (err) {
    if (!(err instanceof WindowClosedError)) throw err
    entry.gaveUp = `reveal refused: ${err.shortMessage}`
  }
  await saveState(ctx)
  if (entry.revealedAt === undefined || !ctx.gossip) return
  // Gossip is a hint so validators start fetching at once; the chain stays the truth.
  await ctx.gossip
    .publish('delta', round, { round, shard, cid }, { ttlMs: GOSSIP_TTL_MS })
    .catch((err) => ctx.log.warn('gossip of the reveal failed', { round, reason: describeError(err) }))
}

/** Registers once when the hotkey has no uid; returns this miner's row when it has one. */
async function ensureMember(ctx: MinerContext, head: number): Promise<Member | undefined> {
  await ctx.tracker.refresh(head, ctx.signal)
  const me = ctx.tracker.find(ctx.pair.address)
  if (me) {
    if (me.role !== 'miner') ctx.log.warn('this hotkey is registered as a validator; it will not mine', { uid: me.uid })
    return me
  }
  // One registration per two rounds at most: a failed one is retried, a pending one is not paid twice.
  const sent = ctx.memo.registerSentAt
  if (sent !== undefined && head < sent + 2 * ctx.view.schedule.tempo) return undefined
  ctx.memo.registerSentAt = head
  const multiaddrs = 'multiaddrs' in ctx.storage ? ctx.storage.multiaddrs().slice(0, 8) : []
  ctx.progress({ round: null, phase: 'register', message: `fee ${ctx.view.registrationFee} planck` })
  const res = await register(ctx.client, {
    signer: ctx.pair,
    netuid: ctx.view.netuid,
    role: 'miner',
    multiaddrs: multiaddrs.filter((a) => a.length <= 256),
    treasury: ctx.view.treasury,
    fee: ctx.view.registrationFee,
    signal: ctx.signal,
  })
  await ctx.tracker.refresh(res.block, ctx.signal)
  const row = ctx.tracker.find(ctx.pair.address)
  if (row) ctx.log.info('registered', { uid: row.uid, block: res.block, multiaddrs })
  else ctx.log.warn('registration landed but gave no uid (subnet full?)', { block: res.block })
  return row
}

/** Dials every validator's registered addresses so that they can fetch deltas from this node over bitswap. */
async function dialValidators(ctx: MinerContext): Promise<void> {
  if (!('dial' in ctx.storage)) return
  for (const v of ctx.tracker.validators()) {
    const tried = await dialMissing(ctx.storage, v.multiaddrs, ctx.memo.dialedAt, { signal: ctx.signal })
    for (const t of tried) {
      if (t.ok) ctx.log.info('connected to validator', { uid: v.uid, addr: t.addr })
      else ctx.log.debug('validator not reachable', { uid: v.uid, addr: t.addr, reason: t.reason })
    }
  }
}
