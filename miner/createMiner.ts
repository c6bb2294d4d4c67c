import type { KeyringPair } from '@polkadot/keyring/types'
import { type ChainClient, connect } from '../chain/index.ts'
import type { Backend } from '../shared/backend/index.ts'
import { describeError } from '../shared/errors/index.ts'
import type { Logger } from '../shared/logger/index.ts'
import { createModel } from '../shared/model/index.ts'
import { createGossip, type Gossip } from '../shared/p2p/index.ts'
import { planShards } from '../shared/shards/index.ts'
import type { HeliaStorage, Storage } from '../shared/storage/index.ts'
import { loadTask, type Task } from '../shared/tasks/index.ts'
import { createTrainPool } from '../shared/train/index.ts'
import { waitAtMost } from '../shared/waitAtMost.ts'
import type { Adversary } from './adversary/index.ts'
import { CHECKPOINT_TIMEOUT_MS, createCheckpointFollower } from './followCheckpoint.ts'
import { createMetagraphTracker } from './metagraphTracker.ts'
import type { MinerContext, MinerProgress } from './minerContext.ts'
import { minerTick } from './minerTick.ts'
import { createStateStore, type StateStore } from './stateStore.ts'
import { loadSubnetView, type SubnetView } from './subnetView.ts'

/** How long stop() waits for a running round step to notice its abort signal. */
const STOP_GRACE_MS = 15_000

/** The inputs of `createMiner`. */
export type CreateMinerParameters = {
  /** `ws://…` of the chain; or pass a connected `client` (not closed by `stop`). */
  chainUrl?: string
  client?: ChainClient
  netuid: number
  /** The miner's hotkey. */
  pair: KeyringPair
  /** Where `miner-state.json` and the training state live (unless `store` is given). */
  dataDir: string
  /** Keeps the miner's state elsewhere than files under `dataDir` (a browser tab: IndexedDB). */
  store?: StateStore
  /** Loads the subnet's task (default `loadTask`, from the installed dataset packages; a browser fetches the text). */
  loadTask?: (name: string, config: SubnetView['config']) => Task | Promise<Task>
  /** Where deltas are stored and served; Helia (with libp2p: gossip and dialling) or Kubo. Not stopped by `stop`. */
  storage: Storage | HeliaStorage
  backend: Backend
  /** Worker threads training each round, data-parallel (default 1; 0: on this thread, as webgpu always does). */
  workers?: number
  logger: Logger
  /** Progress for a terminal: round, step, loss, upload. */
  onProgress?: (progress: MinerProgress) => void
  /** Stop after this many rounds are finished (revealed and settled or void); for devnets and tests. */
  rounds?: number
  /** Look at the chain at least this often even without a new head (ms, default 2000). */
  pollMs?: number
  /** Behave as this kind of adversarial miner (robustness tests and benchmarks only). */
  adversary?: Adversary
  /** Reconnects to the peers given at start (the subnet owner); called before the subnet document is fetched again. */
  redial?: () => Promise<void>
}

/** A running miner. */
export type Miner = {
  /** Connects, loads state and the subnet, and starts following finalized heads; safe to call twice. */
  start(): Promise<void>
  /** Stops after the step in progress (training is aborted); state is already on disk. Safe to call twice. */
  stop(): Promise<void>
  /** Resolves when the miner stopped (after `stop`, or after `rounds` rounds). */
  readonly done: Promise<void>
}

/**
 * The miner service (docs/network.md steps 1, 2, 6): registers if needed, then every round trains
 * its shard from the round's base checkpoint, stores and pins the delta, commits, reveals (chain and
 * gossip), keeps the delta pinned until the round settles, and claims rewards. Progress is persisted
 * atomically before every send, so a restarted miner continues where it stopped. Errors are logged
 * with a reason and the miner goes on with the next head.
 */
export function createMiner(p: CreateMinerParameters): Miner {
  const log = p.logger.forComponent('miner')
  const abort = new AbortController()
  let starting: Promise<void> | undefined
  let initializing: Promise<void> | undefined
  let stopping: Promise<void> | undefined
  let loop: Promise<void> | undefined
  let cleanup: (() => Promise<void>) | undefined
  let resolveDone!: () => void
  const done = new Promise<void>((r) => {
    resolveDone = r
  })

  async function init(): Promise<void> {
    const client = p.client ?? (await connect({ url: requireUrl(p.chainUrl), logger: p.logger, signal: abort.signal }))
    const closeClient = async () => {
      if (!p.client) await client.disconnect()
    }
    cleanup = closeClient
    const ctx = await buildContext(p, client, log, abort.signal)
    log.info('miner started', {
      hotkey: p.pair.address,
      netuid: p.netuid,
      task: ctx.view.config.task.name,
      shards: ctx.plan.count,
      tempo: ctx.view.schedule.tempo,
      ...(p.adversary ? { adversary: p.adversary.kind } : {}),
      genesisBlock: ctx.view.genesisBlock,
      resumedRounds: ctx.state.rounds.filter((e) => e.revealedAt === undefined && !e.gaveUp).map((e) => e.round),
    })
    const heads = headWaiter()
    ctx.wake = () => heads.notify()
    const unsub = await client.api.rpc.chain.subscribeFinalizedHeads((h) => {
      const n = h.number.toNumber()
      if (n > ctx.head) ctx.head = n
      heads.notify()
    })
    cleanup = async () => {
      unsub()
      ctx.gossip?.stop()
      await ctx.trainPool?.close()
      await closeClient()
    }
    loop = (async () => {
      while (!abort.signal.aborted) {
        const seen = ctx.head
        let finished = false
        try {
          finished = await minerTick(ctx)
        } catch (err) {
          if (abort.signal.aborted) break
          log.error('miner step failed; trying again at the next head', { reason: describeError(err) })
        }
        if (finished) {
          log.info('all requested rounds finished', { rounds: p.rounds })
          break
        }
        if (ctx.head === seen) await heads.wait(p.pollMs ?? 2000, abort.signal)
      }
      // A training in the background ends at its next step once the signal is aborted.
      await ctx.memo.training?.done
      await ctx.memo.claiming
    })()
    loop.finally(() => void stop())
  }

  async function shutdown(): Promise<void> {
    abort.abort(new Error('the miner is stopping'))
    await initializing?.catch(() => undefined)
    if (!(await waitAtMost(loop, STOP_GRACE_MS))) {
      log.warn('a round step did not stop in time; stopping without it', { graceMs: STOP_GRACE_MS })
    }
    await cleanup?.().catch((err) => log.warn('cleanup failed', { reason: describeError(err) }))
    log.info('miner stopped')
    resolveDone()
  }

  function stop(): Promise<void> {
    stopping ??= shutdown()
    return stopping
  }

  return {
    start() {
      initializing ??= init()
      starting ??= initializing.catch(async (err) => {
        await stop()
        throw err
      })
      return starting
    },
    stop,
    done,
  }
}

function requireUrl(url: string | undefined): string {
  if (!url) throw new TypeError('createMiner needs chainUrl or client')
  return url
}

/** Loads the state, the subnet, the task and the shard plan, and builds what every step works with. */
async function buildContext(
  p: CreateMinerParameters,
  client: ChainClient,
  log: Logger,
  signal: AbortSignal,
): Promise<MinerContext> {
  const store = p.store ?? createStateStore(p.dataDir)
  const state = await store.load({ netuid: p.netuid, hotkey: p.pair.address })
  const view = await loadViewPatiently(client, p, log, signal)
  const task = await (p.loadTask ?? loadTask)(view.config.task.name, view.config)
  const spec = createModel(task, view.config.model)
  const plan = planShards(spec.params, view.config.shards.count)
  const libp2p = 'libp2p' in p.storage ? p.storage.libp2p : undefined
  let gossip: Gossip | undefined
  if (libp2p) gossip = createGossip({ libp2p, netuid: p.netuid, signer: p.pair, logger: p.logger })
  else log.info('storage has no libp2p node (Kubo): reveals go on chain only, no gossip')
  const tracker = createMetagraphTracker({
    client,
    netuid: p.netuid,
    maxUids: view.config.subnet.maxUids,
    immunityBlocks: view.config.subnet.immunityBlocks,
    validatorSet: new Set(view.validators.map((v) => v.hotkey)),
    logger: log,
  })
  return {
    client,
    pair: p.pair,
    storage: p.storage,
    backend: p.backend,
    // Training runs on worker threads (one or more) for CPU backends: the fused update is faster than
    // the tensor one, and the miner's own thread stays free for the chain and IPFS while it trains.
    // A GPU trains the whole batch at once, from this thread.
    trainPool:
      p.backend.name !== 'webgpu' && p.workers !== 0
        ? createTrainPool(Math.max(1, Math.min(p.workers ?? 1, view.config.train.batch)))
        : undefined,
    log,
    store,
    state,
    view,
    task,
    spec,
    plan,
    tracker,
    follower: createCheckpointFollower({
      storage: p.storage,
      config: view.config,
      task,
      plan,
      timeoutMs: CHECKPOINT_TIMEOUT_MS,
      logger: log,
    }),
    gossip,
    signal,
    head: (await client.finalizedHead()).number,
    progress: (x) => p.onProgress?.(x),
    wake: () => {},
    roundsLimit: p.rounds,
    adversary: p.adversary,
    memo: { dialedAt: new Map(), registerSentAt: undefined, skipped: new Set(), checkedOnChain: new Set() },
  }
}

const VIEW_ATTEMPTS = 3

// The subnet document comes from peers; on a busy machine the first fetch can time out: try again before giving up.
async function loadViewPatiently(
  client: ChainClient,
  p: Pick<CreateMinerParameters, 'storage' | 'netuid' | 'redial'>,
  log: Logger,
  signal: AbortSignal,
): ReturnType<typeof loadSubnetView> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await loadSubnetView(client, p.storage, { netuid: p.netuid, signal })
    } catch (err) {
      if (signal.aborted || attempt >= VIEW_ATTEMPTS) throw err
      log.warn('subnet document not loaded; reconnecting and trying again', { attempt, reason: describeError(err) })
      await p.redial?.().catch((e) => log.warn('reconnecting failed', { reason: describeError(e) }))
    }
  }
}

/** Lets the loop sleep until the next finalized head, a wake-up, a poll interval, or the stop signal. */
function headWaiter(): { notify(): void; wait(ms: number, signal: AbortSignal): Promise<void> } {
  let wake: (() => void) | undefined
  // A notice given while the loop was busy is kept, so the next wait returns at once.
  let missed = false
  return {
    notify: () => {
      if (wake) wake()
      else missed = true
    },
    wait: (ms, signal) =>
      new Promise<void>((resolve) => {
        if (signal.aborted || missed) {
          missed = false
          return resolve()
        }
        const go = () => {
          clearTimeout(timer)
          wake = undefined
          signal.removeEventListener('abort', go)
          resolve()
        }
        const timer = setTimeout(go, ms)
        wake = go
        signal.addEventListener('abort', go, { once: true })
      }),
  }
}
