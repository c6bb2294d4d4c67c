import type { KeyringPair } from '@polkadot/keyring/types'
import {
  type ChainClient,
  claim,
  commitDelta,
  readSettledRounds,
  register,
  revealDelta,
  WindowClosedError,
} from '../chain/index.ts'
import type { Member } from '../chain/protocol/index.ts'
import type { Backend } from '../shared/backend/index.ts'
import { describeError } from '../shared/errors/index.ts'
import type { Logger } from '../shared/logger/index.ts'
import type { ModelSpec } from '../shared/model/index.ts'
import type { Gossip } from '../shared/p2p/index.ts'
import type { ShardPlan } from '../shared/shards/index.ts'
import type { HeliaStorage, Storage } from '../shared/storage/index.ts'
import type { Task } from '../shared/tasks/index.ts'
import type { MetagraphTracker } from './metagraphTracker.ts'
import { nextAction } from './nextAction.ts'
import { findOwnRecord } from './ownRecords.ts'
import type { MinerState, RoundEntry, StateStore } from './stateStore.ts'
import type { SubnetView } from './subnetView.ts'
import { trainRound } from './trainRound.ts'

/** What the miner shows on a terminal. */
export type MinerProgress = {
  round: number | null
  phase: 'register' | 'wait' | 'train' | 'upload' | 'commit' | 'reveal' | 'settled' | 'claim' | 'give-up'
  step?: number
  steps?: number
  loss?: number
  cid?: string
  bytes?: number
  ratio?: number
  amount?: string
  message?: string
}

/** Everything a miner step works with; built once by `createMiner`. */
export type MinerContext = {
  client: ChainClient
  pair: KeyringPair
  storage: Storage | HeliaStorage
  backend: Backend
  log: Logger
  store: StateStore
  state: MinerState
  view: SubnetView
  task: Task
  spec: ModelSpec
  plan: ShardPlan
  tracker: MetagraphTracker
  gossip: Gossip | undefined
  signal: AbortSignal
  /** The newest finalized head seen (updated by the subscription). */
  head: number
  progress(p: MinerProgress): void
  roundsLimit: number | undefined
  memo: {
    dialedAt: Map<string, number>
    registerSentAt: number | undefined
    /** Rounds already reported as skipped. */
    skipped: Set<number>
    /** Rounds whose records were looked up on chain after a restart. */
    checkedOnChain: Set<number>
  }
}

const KEEP_ROUNDS = 64
const GOSSIP_TTL_MS = 10 * 60_000
const REDIAL_MS = 10_000

/** One pass over the current head: register, dial, settle bookkeeping, then the round's work. True when done. */
export async function minerTick(ctx: MinerContext): Promise<boolean> {
  const head = ctx.head
  const me = await ensureMember(ctx, head)
  if (me) await dialValidators(ctx)
  await settlements(ctx, head)
  if (finishedAll(ctx)) return true
  if (head < ctx.view.genesisBlock) return false
  const round = ctx.view.schedule.roundOf(head)
  for (const e of ctx.state.rounds) if (e.round < round) await workRound(ctx, e.round, me)
  await workRound(ctx, round, me)
  return false
}

/** Rounds that reached an end: revealed or given up. */
function worked(state: MinerState): RoundEntry[] {
  return state.rounds.filter((e) => e.revealedAt !== undefined || e.gaveUp !== undefined)
}

function finishedAll(ctx: MinerContext): boolean {
  if (ctx.roundsLimit === undefined) return false
  const w = worked(ctx.state)
  return w.length >= ctx.roundsLimit && w.every((e) => e.unpinned)
}

/** Steps one round as far as the head allows (train → commit → reveal), persisting before each send. */
async function workRound(ctx: MinerContext, round: number, me: Member | undefined): Promise<void> {
  const windows = ctx.view.schedule.forRound(round)
  for (let guard = 0; guard < 4; guard++) {
    const entry = ctx.state.rounds.find((e) => e.round === round)
    const action = nextAction({ windows, entry, head: ctx.head })
    if (action.kind === 'wait' || action.kind === 'done') return
    if (action.kind === 'give-up') {
      if (entry) {
        entry.gaveUp = action.reason
        await save(ctx)
      }
      if (entry || !ctx.memo.skipped.has(round)) {
        ctx.memo.skipped.add(round)
        ctx.log.warn('round skipped', { round, reason: action.reason })
        ctx.progress({ round, phase: 'give-up', message: action.reason })
      }
      return
    }
    if (action.kind === 'train') {
      if (me?.role !== 'miner') return
      if (ctx.roundsLimit !== undefined && worked(ctx.state).length >= ctx.roundsLimit) return
      await trainRound(ctx, round, me)
      continue
    }
    if (await landedAlready(ctx, action.entry, action.kind)) continue
    if (action.kind === 'commit') await sendCommit(ctx, action.entry)
    else await sendReveal(ctx, action.entry)
  }
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
  await save(ctx)
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
  await save(ctx)
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
  await save(ctx)
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
  const storage = ctx.storage
  const now = Date.now()
  const connected = new Set(storage.libp2p.getConnections().map((c) => c.remotePeer.toString()))
  for (const v of ctx.tracker.validators()) {
    for (const addr of v.multiaddrs) {
      const peer = /\/p2p\/([^/]+)$/.exec(addr)?.[1]
      if (!peer || connected.has(peer) || peer === storage.peerId) continue
      if (now - (ctx.memo.dialedAt.get(addr) ?? 0) < REDIAL_MS) continue
      ctx.memo.dialedAt.set(addr, now)
      try {
        await storage.dial(addr, { signal: ctx.signal })
        connected.add(peer)
        ctx.log.info('connected to validator', { uid: v.uid, addr })
      } catch (err) {
        ctx.log.debug('validator not reachable', { uid: v.uid, addr, reason: describeError(err) })
      }
    }
  }
}

/** Unpins deltas of settled or void rounds and claims rewards once a round this miner revealed in settled. */
async function settlements(ctx: MinerContext, head: number): Promise<void> {
  const { rounds } = await readSettledRounds(ctx.client, { netuid: ctx.view.netuid })
  const settled = new Set(rounds.map((r) => r.round))
  let changed = false
  for (const e of ctx.state.rounds) {
    if (e.unpinned) continue
    const voidAfter = ctx.view.schedule.forRound(e.round + 1).lastBlock
    const nobodyFetches = e.gaveUp !== undefined && e.revealedAt === undefined
    if (!settled.has(e.round) && head <= voidAfter && !nobodyFetches) continue
    await ctx.storage.unpin(e.cid, { signal: ctx.signal })
    e.unpinned = true
    changed = true
    const why = settled.has(e.round) ? 'settled' : nobodyFetches ? 'not revealed' : 'void'
    ctx.log.info('delta unpinned', { round: e.round, cid: e.cid, why })
    if (settled.has(e.round)) ctx.progress({ round: e.round, phase: 'settled', cid: e.cid })
  }
  const newest = rounds.at(-1)?.round
  const from = ctx.state.claimedThrough ?? -1
  const owed = ctx.state.rounds.some((e) => e.revealedAt !== undefined && settled.has(e.round) && e.round > from)
  if (newest !== undefined && newest > from && owed) {
    const res = await claim(ctx.client, {
      signer: ctx.pair,
      assetId: ctx.view.assetId,
      treasuries: [ctx.view.treasury],
      signal: ctx.signal,
    })
    ctx.state.claimedThrough = newest
    changed = true
    ctx.log.info('rewards claimed', { through: newest, amount: res.total })
    ctx.progress({ round: newest, phase: 'claim', amount: res.total.toString() })
  }
  if (changed) await save(ctx)
}

async function save(ctx: MinerContext): Promise<void> {
  ctx.state.rounds = ctx.state.rounds.sort((a, b) => a.round - b.round).slice(-KEEP_ROUNDS)
  await ctx.store.save(ctx.state)
}
