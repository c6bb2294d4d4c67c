import type { KeyringPair } from '@polkadot/keyring/types'
import { type ChainClient, claim, connect, register } from '../chain/index.ts'
import { accountId, type WindowAt } from '../chain/protocol/index.ts'
import { type Backend, initBackend } from '../shared/backend/index.ts'
import { describeError } from '../shared/errors/index.ts'
import { createLossPool } from '../shared/eval/index.ts'
import type { Logger } from '../shared/logger/index.ts'
import { createModel } from '../shared/model/index.ts'
import { planShards } from '../shared/shards/index.ts'
import { dialMissing, type PeerDialer, type Storage } from '../shared/storage/index.ts'
import { loadTask } from '../shared/tasks/index.ts'
import { waitAtMost } from '../shared/waitAtMost.ts'
import { createChainView } from './chainView.ts'
import { checkpointCache, type ValidatorContext } from './context.ts'
import { NotInValidatorSetError } from './errors.ts'
import type { ValidatorFaults } from './faults/index.ts'
import { createPrefetcher } from './prefetch.ts'
import { loadRoundState, nextStep, type RoundState, type RoundStep } from './roundState.ts'
import { commitStep, evaluateStep, revealStep, seedRound } from './roundSteps.ts'
import { settleStep } from './settleStep.ts'
import { loadSubnetView } from './subnetView.ts'
import type { ValidatorEvent } from './validatorEvents.ts'

/** How long stop() waits for a running round step to notice its abort signal. */
const STOP_GRACE_MS = 15_000

/** Blocks to wait for a sent registration to show before sending another. */
const REGISTER_RETRY_BLOCKS = 20

/** A storage that can also dial peers and tell its own addresses (the Helia backend). */
type Dialable = PeerDialer & { multiaddrs(): string[] }

/** The inputs of `createValidator`. */
export type CreateValidatorParameters = {
  /** A connected client, or a `ws://` URL to connect to (the validator then owns the connection). */
  client?: ChainClient
  chainUrl?: string
  netuid: number
  /** The validator's hotkey, unlocked. */
  pair: KeyringPair
  /** Where round states, smoothed scores and (by the caller) the IPFS store live. */
  dataDir: string
  storage: Storage
  /** Compute backend; default the subnet config's `train.backend` (validators must agree on its kind). */
  backend?: Backend
  /** Scoring worker threads: deltas scored at once (default 1: on the main thread). Scores do not depend on it. */
  workers?: number
  logger: Logger
  /** Stop after this many rounds (counted from the first round seen) are settled or over; default: run forever. */
  rounds?: number
  /** Extra multiaddrs to dial (the subnet owner's node). */
  peers?: string[]
  pollMs?: number
  fetchTimeoutMs?: number
  proposalTimeoutMs?: number
  /** Faults to commit on purpose (robustness tests only; see `validator/faults`). */
  faults?: ValidatorFaults
  /** Miner hotkeys whose deltas are treated as unfetchable (a mocked network fault; see `withUnreachable`). */
  unreachable?: ReadonlySet<string>
  /** Progress events, e.g. for Prometheus metrics (`validator run --metrics`). */
  onEvent?: (e: ValidatorEvent) => void
}

/** A running validator. */
export type Validator = {
  /** Connects, loads the subnet, registers if needed and starts following finalized heads; safe to call twice. */
  start(): Promise<void>
  /** Stops after the current step; safe to call twice. */
  stop(): Promise<void>
  /** Settles when the service stops (after `rounds` rounds, or `stop()`). */
  readonly done: Promise<void>
}

/**
 * The validator service (docs/network.md steps 3–5): each finalized head, for the current and the
 * previous round, it does the next step of `nextStep` — seed, evaluate, commit, reveal, settle —
 * from its persisted round state, so a restart picks up where it stopped. A failing step is logged
 * with its reason and retried on the next head; the service keeps going.
 */
export function createValidator(p: CreateValidatorParameters): Validator {
  const log = p.logger.forComponent('validator')
  const abort = new AbortController()
  let started = false
  let ctx: ValidatorContext | undefined
  let ownClient: ChainClient | undefined
  let firstRound: number | undefined
  const finished = new Set<number>()
  const lastDial = new Map<string, number>()
  // The block a registration was sent at: it shows in finalized blocks a little later; do not pay twice.
  let registerSentAt: number | undefined
  let loop: Promise<void> = Promise.resolve()
  let claiming: Promise<void> = Promise.resolve()
  const prefetch = createPrefetcher()
  // Where the chain was at the last tick.
  let head = -1
  let at: WindowAt | null = null
  let resolveDone: () => void = () => {}
  const done = new Promise<void>((resolve) => {
    resolveDone = resolve
  })

  async function setup(): Promise<ValidatorContext> {
    if (!p.client) ownClient = await connect({ url: p.chainUrl ?? '', logger: p.logger })
    const client = p.client ?? (ownClient as ChainClient)
    await p.storage.start()
    const fetchTimeoutMs = p.fetchTimeoutMs ?? 60_000
    // The subnet document comes from peers; on a busy machine the first fetch can time out: try again.
    let view: Awaited<ReturnType<typeof loadSubnetView>> | undefined
    for (let attempt = 1; !view; attempt++) {
      try {
        view = await loadSubnetView(client, p.storage, { netuid: p.netuid, timeoutMs: fetchTimeoutMs })
      } catch (err) {
        if (attempt >= 3) throw err
        p.logger.warn('subnet document not loaded; trying again', { attempt, reason: describeError(err) })
      }
    }
    const me = accountId(p.pair.address)
    if (!view.validators.some((v) => accountId(v.hotkey) === me))
      throw new NotInValidatorSetError(p.pair.address, p.netuid)
    const backend = p.backend ?? (await initBackend(view.config.train.backend, p.logger))
    const task = loadTask(view.config.task.name, view.config)
    const spec = createModel(task, view.config.model)
    const base = { storage: p.storage, view, task, fetchTimeoutMs, logger: p.logger }
    return {
      ...base,
      client,
      pair: p.pair,
      netuid: p.netuid,
      dataDir: p.dataDir,
      backend,
      losses: createLossPool({ task, config: view.config, backend, workers: p.workers ?? 1, logger: p.logger }),
      spec,
      plan: planShards(spec.params, view.config.shards.count),
      paramShapes: new Map(spec.params.map((t) => [t.name, t.shape])),
      chain: createChainView({
        client,
        netuid: p.netuid,
        maxUids: view.config.subnet.maxUids,
        immunityBlocks: view.config.subnet.immunityBlocks,
        validatorSet: new Set(view.validators.map((v) => v.hotkey)),
        logger: p.logger,
      }),
      checkpoint: checkpointCache(base),
      proposalTimeoutMs: p.proposalTimeoutMs ?? 30_000,
      faults: p.faults,
      unreachable: p.unreachable,
      emit: (e) => {
        try {
          p.onEvent?.(e)
        } catch (err) {
          log.warn('progress listener failed', { reason: describeError(err) })
        }
      },
    }
  }

  // Registers once the chain view has caught up and shows this hotkey missing; dials new validators.
  async function joinNetwork(c: ValidatorContext, head: number): Promise<void> {
    const me = c.chain.find(p.pair.address, head)
    if (!me && (registerSentAt === undefined || head > registerSentAt + REGISTER_RETRY_BLOCKS)) {
      registerSentAt = head
      const stakeAccount = c.view.validators.find(
        (v) => accountId(v.hotkey) === accountId(p.pair.address),
      )?.stakeAccount
      const multiaddrs = isDialable(p.storage) ? p.storage.multiaddrs() : []
      log.info('registering', { hotkey: p.pair.address, multiaddrs })
      await register(c.client, {
        signer: p.pair,
        netuid: p.netuid,
        role: 'validator',
        multiaddrs,
        stakeAccount,
        treasury: c.view.treasury,
        fee: c.view.registrationFee,
        signal: abort.signal,
      })
    }
    if (!isDialable(p.storage)) return
    const others = c.chain
      .membersAt(head)
      .filter((m) => m.role === 'validator' && m.hotkey !== me?.hotkey)
      .flatMap((m) => m.multiaddrs)
    // Redialled while not connected: a busy peer misses pings and is dropped, a restarted one comes back.
    const tried = await dialMissing(p.storage, [...(p.peers ?? []), ...others], lastDial, { signal: abort.signal })
    for (const t of tried) if (!t.ok) log.warn('peer not reachable', { addr: t.addr, reason: t.reason })
  }

  async function runStep(c: ValidatorContext, step: RoundStep, round: number, state: RoundState | null): Promise<void> {
    const signal = abort.signal
    if (step !== 'wait') c.emit({ kind: 'step', round, step })
    if (step === 'wait' && at?.round === round && at.window === 'reveal') prefetch(c, round, head, signal, state)
    else if (step === 'seed') await seedRound(c, round)
    else if (step === 'evaluate' && state) await commitStep(c, await evaluateStep(c, state, signal), signal)
    else if (step === 'commit' && state) await commitStep(c, state, signal)
    else if (step === 'reveal' && state) await revealStep(c, state, signal)
    else if (step === 'settle') {
      if (await settleStep(c, round, state, signal)) {
        c.emit({ kind: 'settled', round })
        // In the background: a claim waits for its block, and the devnet's clock builds none in a
        // window's grace for anything but the records it waits for (this validator's next reveal).
        claiming = claiming.then(() => claimRewards(c, round, signal))
        finished.add(round)
      }
    } else if (step === 'done') finished.add(round)
  }

  async function tick(c: ValidatorContext): Promise<void> {
    head = (await c.client.finalizedHead()).number
    await c.chain.refresh(head, abort.signal)
    await joinNetwork(c, head)
    at = c.view.schedule.windowAt(head + 1)
    c.emit({ kind: 'head', head, round: at?.round ?? null })
    if (!at) return
    firstRound ??= at.round
    // The current round first, and the previous round's settlement only while the current round has
    // nothing to send: its windows are short, while a settlement may wait until the end of this round
    // (a settle approval waiting in the pool must not hold up this round's commit or reveal). In this
    // round's settle phase, settlements in deadline order: the previous round's (void after this
    // round) before this one's.
    let busy = false
    const order = at.window === 'settle' ? [at.round - 1, at.round] : [at.round, at.round - 1]
    for (const round of order) {
      if (round < 0 || round < firstRound - 1 || finished.has(round)) continue
      try {
        const state = await loadRoundState(p.dataDir, round)
        const step = nextStep(state, round, at)
        if (round === at.round) busy = step !== 'wait' && step !== 'done' && step !== 'settle'
        else if (step === 'settle' && busy) continue
        if (step !== 'wait') log.debug('step', { round, step, head })
        await runStep(c, step, round, state)
      } catch (err) {
        if (abort.signal.aborted) return
        log.error('round step failed', { round, reason: describeError(err) })
      }
    }
  }

  const enough = () => p.rounds !== undefined && firstRound !== undefined && finishedSince(firstRound) >= p.rounds
  const finishedSince = (r0: number) => [...finished].filter((r) => r >= r0).length

  async function run(c: ValidatorContext): Promise<void> {
    while (!abort.signal.aborted && !enough()) {
      try {
        await tick(c)
      } catch (err) {
        if (abort.signal.aborted) break
        log.error('tick failed', { reason: describeError(err) })
      }
      await sleep(p.pollMs ?? 500, abort.signal)
    }
    await claiming
    await c.losses.close()
    log.info('validator stopped', { rounds: [...finished].sort((a, b) => a - b) })
  }

  return {
    done,
    async start() {
      if (started) return
      started = true
      ctx = await setup()
      log.info('validator started', { hotkey: p.pair.address, netuid: p.netuid })
      if (p.faults?.size) log.warn('faulty validator: misbehaving on purpose', { faults: [...p.faults] })
      loop = run(ctx).finally(async () => {
        await ownClient?.disconnect()
        resolveDone()
      })
    },
    async stop() {
      abort.abort(new Error('validator stopped'))
      if (!(await waitAtMost(loop, STOP_GRACE_MS))) {
        log.warn('a round step did not stop in time; stopping without it', { graceMs: STOP_GRACE_MS })
        await ctx?.losses.close()
        await ownClient?.disconnect()
        resolveDone()
      }
      if (!ctx) {
        await ownClient?.disconnect()
        resolveDone()
      }
    },
  }
}

/** Pulls the rewards settlements approved to this hotkey (design §2 step 6); a failure is only logged. */
async function claimRewards(c: ValidatorContext, round: number, signal: AbortSignal): Promise<void> {
  try {
    const res = await claim(c.client, {
      signer: c.pair,
      assetId: c.view.assetId,
      treasuries: [c.view.treasury],
      signal,
    })
    if (res.total > 0n) {
      c.logger.info('rewards claimed', { round, amount: res.total.toString() })
      c.emit({ kind: 'claimed', round, amount: res.total })
    }
  } catch (err) {
    c.logger.warn('rewards not claimed', { round, reason: describeError(err) })
  }
}

function isDialable(s: Storage): s is Storage & Dialable {
  const d = s as Partial<Dialable>
  return typeof d.dial === 'function' && typeof d.multiaddrs === 'function' && d.libp2p !== undefined
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms)
    function done() {
      clearTimeout(t)
      signal.removeEventListener('abort', done)
      resolve()
    }
    signal.addEventListener('abort', done, { once: true })
  })
}
