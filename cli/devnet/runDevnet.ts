import { existsSync, readFileSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type ChainClient, connect } from '../../chain/client/index.ts'
import { type Devchain, devKeypair, startDevchain } from '../../chain/devchain/index.ts'
import { accountId, scheduleFromConfig } from '../../chain/protocol/index.ts'
import type { AdversaryKind } from '../../miner/index.ts'
import { describeError } from '../../shared/errors/index.ts'
import type { Logger } from '../../shared/logger/index.ts'
import { createHeliaStorage, type HeliaStorage, identityPeerId, SERVING_LISTEN } from '../../shared/storage/index.ts'
import { serveWeb, validatorWsPeers, type WebServer } from '../../web/index.ts'
import { adversaryExpects, planAdversaries } from './adversaries.ts'
import { BrowserMiners, chromiumPath } from './BrowserMiners.ts'
import { ChainWatcher } from './ChainWatcher.ts'
import { type ChildExit, ChildProcesses, logTail } from './ChildProcesses.ts'
import { checkParticipants } from './checkParticipants.ts'
import { createDevnetSubnet, loadDevnetLedger } from './createDevnetSubnet.ts'
import { DevnetChaos } from './DevnetChaos.ts'
import { DevnetClock, type Participant, type TickResult } from './DevnetClock.ts'
import { devnetConfig } from './devnetConfig.ts'
import {
  BrowserMissingError,
  ChildCrashedError,
  DevnetInterruptedError,
  RegistrationTimeoutError,
  RoundFailedError,
} from './errors.ts'
import type { ChaosSpec } from './parseChaos.ts'
import { prepareRunDir, pruneFailedRun } from './prepareRunDir.ts'
import { quietly } from './quietly.ts'
import {
  type MinerBusy,
  type ParticipantCompute,
  readBaseDownloads,
  readCompute,
  readMinerBusy,
  readRebases,
} from './readProgress.ts'
import { readSummaries } from './readSummaries.ts'
import { statusLine } from './renderRound.ts'
import { tryWriteReport } from './report/index.ts'
import { setupWallets } from './setupWallets.ts'
import type { RoundSummary } from './summarizeRound.ts'

/** The inputs of `runDevnet`. */
export type RunDevnetParameters = {
  miners: number
  validators: number
  rounds: number
  task?: string
  preset: string
  sets: readonly string[]
  /** Parent folder; each run gets its own timestamped subfolder. */
  dir: string
  /** Delete the parent folder's earlier runs first. */
  fresh: boolean
  windowTimeoutMs: number
  chaos: readonly ChaosSpec[]
  /** Adversarial miners added to the honest ones (`--adversary KIND`, README "Security"). */
  adversaries?: readonly AdversaryKind[]
  /** `--backend` of miner-0, miner-1, … (`--miner-backend`); the others train on wasm. */
  minerBackends?: readonly string[]
  /** Training threads of each miner (`--miner-workers`); default its share of the cores. */
  minerWorkers?: number
  /** Every participant serves Prometheus metrics on 127.0.0.1, a free port (`--metrics`). */
  metrics?: boolean
  /**
   * Validator faults (`validator run --faulty`), one entry per faulty validator, each a kind or
   * kinds joined by `+`: the first entry goes to the last validator, the next to the one before it.
   */
  faultyValidators?: readonly string[]
  logger: Logger
  /** Stops the devnet early (Ctrl-C); what was started is stopped. */
  signal?: AbortSignal
  /** Called when a round has settled (for the live table). */
  onRound?: (summary: RoundSummary, elapsedMs: number) => void
  /** Called about once a second with a status line while the clock runs. */
  onStatus?: (line: string) => void
  /** The run folder, as soon as it exists (the terminal view writes its log file there). */
  onDir?: (dir: string) => void
  /** With `serve`, resolves the result first and keeps the network up until `signal` aborts. */
  serve?: { onReady: (result: DevnetResult, ownerAddrs: string[]) => void; signal: AbortSignal }
  /** Miners in headless chromium tabs on the web miner page (`--browser-miners`), named `browser-miner-<i>`. */
  browserMiners?: number
  /** What the page trains on: WebGPU where the browser has it, else wasm (default), or wasm only. */
  browserBackend?: 'webgpu' | 'wasm'
  /** Serve the web miner page (`--serve`, and always with browser miners); `onPage` gets its URL. */
  page?: { onPage?: (url: string) => void }
}

/** What `crowdtrain devnet --json` prints; `voidRounds`: rounds a chaos fault made void on purpose (not settled). */
export type DevnetResult = {
  rounds: RoundSummary[]
  voidRounds?: { round: number; reason: string }[]
  elapsedMs: number
  dir: string
  netuid: number
  chainUrl: string
  /** report.html in the run folder (report.json beside it); absent when it could not be written. */
  report?: string
  /** The adversarial miners the devnet added, by name, with their kind and behaviour. */
  adversaries?: { name: string; hotkey: string; kind: string; behaviour: string }[]
  /** Per miner, from its own log: training seconds over wall seconds from its first training to its last commit. */
  busy?: ({ name: string } & MinerBusy)[]
  /** The mean busy fraction of the devnet's honest miners. */
  minerBusyFraction?: number
  /** The web miner page the devnet served (`--serve`, `--browser-miners`). */
  web?: string
  /**
   * What each participant computed on, from its own log: backend, GPU adapter (webgpu), worker
   * threads, and with `--metrics` the URL of its Prometheus metrics (the last one it served).
   */
  compute?: ({ name: string } & ParticipantCompute)[]
}

const BIN = fileURLToPath(new URL('../../bin/crowdtrain.js', import.meta.url))
const TICK_MS = 100
const STAGGER_MS = 1000
const CLAIM_TIMEOUT_MS = 60_000
const MAX_TICK_FAILURES = 20
/**
 * Worker threads per participant (a miner's training, a validator's scoring): the devnet's processes
 * share one machine, so each gets its share of the cores (at least one). On its own machine a
 * participant uses all of them (`--workers`, default the machine's cores).
 */
export function workersEach(participants: number, cores = availableParallelism()): number {
  return Math.max(1, Math.floor(cores / participants))
}
/**
 * With pipelined rounds, miners run at a lower CPU priority than validators. On a real network each
 * has its own machine; in the devnet all share one, and miners train the next round while validators
 * score and settle this one: the validators' work, which every round waits for, goes first, and
 * training takes what CPU is left.
 */
const MINER_NICENESS = 5

/**
 * Runs a whole network on this machine (docs/network.md): the embedded chain with a waiting block
 * clock, a subnet, M miners and V validators as child processes, until R rounds have settled or
 * one failed. Always stops what it started, also on failure.
 */
export async function runDevnet(p: RunDevnetParameters): Promise<DevnetResult> {
  const started = Date.now()
  const log = p.logger.forComponent('devnet')
  const config = devnetConfig({ preset: p.preset, task: p.task, sets: p.sets, rounds: p.rounds })
  checkParticipants({ ...p, miners: p.miners + (p.browserMiners ?? 0) }, config.subnet.maxUids)
  if ((p.browserMiners ?? 0) > 0 && !existsSync(chromiumPath())) throw new BrowserMissingError(chromiumPath())
  const dir = prepareRunDir(p.dir, p.fresh)
  p.onDir?.(dir)
  const participants: Participant[] = []
  const minerBackend = (name: string) => {
    const i = /^miner-(\d+)$/.exec(name)
    return i ? p.minerBackends?.[Number(i[1])] : undefined
  }
  const cleanups: (() => Promise<unknown>)[] = []
  let devchain: Devchain | undefined
  let stopLoop = false
  let loop: Promise<void> = Promise.resolve()
  let failed = false
  try {
    // Wallets first: scrypt blocks the event loop, and the in-process chain must answer its clients.
    const adversaries = planAdversaries(p.adversaries ?? [], dir)
    let firstCounted = Number.POSITIVE_INFINITY
    const names = [
      ...Array.from({ length: p.miners }, (_, i) => `miner-${i}`),
      ...Array.from({ length: p.browserMiners ?? 0 }, (_, i) => `browser-miner-${i}`),
      ...Array.from({ length: p.validators }, (_, i) => `validator-${i}`),
      ...adversaries.map((a) => a.name),
    ]
    const wallets = await setupWallets({ dir, names, signal: p.signal })
    for (const name of names) {
      const adv = adversaries.find((a) => a.name === name)
      participants.push({
        name,
        role: name.startsWith('validator') ? 'validator' : 'miner',
        address: wallets.addresses.get(name) as string,
        ...(adv
          ? { adversary: adv.kind, expects: adversaryExpects(adv, () => firstCounted, config.round.staleness) }
          : {}),
      })
    }
    const startChain = (port?: number) =>
      quietly(() => startDevchain({ clock: { mode: 'manual' }, db: join(dir, 'chain.db'), port, logger: p.logger }))
    devchain = await startChain()
    cleanups.push(() => (devchain as Devchain).stop())
    const client: ChainClient = await connect({ url: devchain.url, logger: p.logger })
    cleanups.push(() => client.disconnect())
    await devchain.fund([...wallets.addresses.values()])
    const owner: HeliaStorage = await createHeliaStorage({
      dir: join(dir, 'owner', 'ipfs'),
      listen: [...SERVING_LISTEN],
      logger: p.logger,
    })
    await owner.start()
    cleanups.push(() => owner.stop())

    let crash: ChildExit | undefined
    const children = new ChildProcesses(log, (exit) => {
      if (!exit.expected) crash ??= exit
    })
    cleanups.push(() => children.stopAll())
    const browsers = new BrowserMiners(log, (name, reason) => {
      crash ??= { name, code: null, signal: null, expected: false, reason }
    })
    cleanups.push(() => browsers.stopAll())
    const watcher = new ChainWatcher({
      client,
      netuid: -1,
      maxUids: config.subnet.maxUids,
      immunityBlocks: config.subnet.immunityBlocks,
      pool: () => (devchain as Devchain).chain.txPool.pendingExtrinsics,
    })
    const chaos = new DevnetChaos({
      chaos: p.chaos,
      children,
      participants,
      logger: log,
      // Same port and db: participants' connections reconnect to it.
      restartChain: async () => {
        const port = (devchain as Devchain).port
        await (devchain as Devchain).stop()
        devchain = await startChain(port)
        log.warn('chaos: the chain is back', { head: devchain.head(), url: devchain.url })
      },
    })
    const clock = new DevnetClock({
      devchain: { head: () => (devchain as Devchain).head(), newBlock: (n) => (devchain as Devchain).newBlock(n) },
      beforeBuild: (at) => chaos.beforeBuild(at),
      neverReveal: new Set(
        (p.faultyValidators ?? []).flatMap((kinds, i) =>
          kinds.split('+').includes('no-reveal') ? [`validator-${p.validators - 1 - i}`] : [],
        ),
      ),
      watcher,
      participants,
      isLive: (name) => children.isRunning(name) || browsers.isRunning(name),
      timeoutMs: p.windowTimeoutMs,
      logger: log,
    })
    let last: TickResult | undefined
    let loopError: unknown
    let lastStatus = 0
    loop = (async () => {
      let failures = 0
      while (!stopLoop) {
        try {
          last = await clock.tick()
          failures = 0
        } catch (err) {
          // A read can fail while the machine is busy; only a clock that keeps failing ends the devnet.
          log.warn('clock tick failed', { err, failures: ++failures })
          if (failures >= MAX_TICK_FAILURES) {
            loopError = err
            return
          }
          await sleep(1000)
          continue
        }
        if (Date.now() - lastStatus > 1000) {
          lastStatus = Date.now()
          const line = statusLine(last, participants, dir)
          if (p.onStatus) p.onStatus(line)
          else log.debug('clock', { status: line })
        }
        await sleep(TICK_MS)
      }
    })()

    const subnet = await createDevnetSubnet({
      client,
      owner: await devKeypair('//Alice'),
      storage: owner,
      config,
      validators: participants.filter((x) => x.role === 'validator').map((x) => x.address),
      participants: participants.length,
      logger: p.logger,
    })
    watcher.setSubnet(subnet.netuid, new Set(subnet.validators))
    const schedule = scheduleFromConfig(config.round, subnet.genesisBlock)
    clock.setSchedule(schedule, subnet.threshold, subnet.validators)
    log.info('subnet created', { netuid: subnet.netuid, genesisBlock: subnet.genesisBlock })

    // The web miner page: browser tabs dial the owner's node and the validators over WebSockets.
    let web: WebServer | undefined
    if (p.page || (p.browserMiners ?? 0) > 0) {
      const chain = devchain as Devchain
      web = await serveWeb({
        ...{ chainUrl: chain.url, netuid: subnet.netuid, listen: '127.0.0.1:0', logger: p.logger },
        peers: () => validatorWsPeers(client, subnet.netuid, config.subnet, owner.multiaddrs()),
        faucet: (address) => (devchain as Devchain).fund([address]),
        prefer: p.browserBackend ?? 'webgpu',
      })
      const server = web
      cleanups.push(() => server.close())
      p.page?.onPage?.(web.url)
    }
    const faulty = new Map((p.faultyValidators ?? []).map((kinds, i) => [`validator-${p.validators - 1 - i}`, kinds]))
    const servesOne = new Map<string, string>()
    // Validators serve what they fetched, so the others would get the delta from the one that can
    // reach the miner: they are told to treat it as unreachable (a mock, see validator/faults).
    const unreachable = new Map<string, string[]>()
    for (const c of p.chaos)
      if (c.kind === 'reachable-by-one')
        for (let v = 0; v < p.validators; v++)
          if (v !== c.validator)
            unreachable.set(`validator-${v}`, [
              ...(unreachable.get(`validator-${v}`) ?? []),
              wallets.addresses.get(`miner-${c.index}`) as string,
            ])
    for (const c of p.chaos)
      if (c.kind === 'reachable-by-one')
        servesOne.set(
          `miner-${c.index}`,
          await identityPeerId(join(dir, `validator-${c.validator}`, 'ipfs', 'identity.key')),
        )
    for (const x of participants) {
      if (x.name.startsWith('browser-miner-') && web) {
        await browsers.start(web.url, {
          name: x.name,
          keystore: readFileSync(join(wallets.walletDir, `${x.name}.json`), 'utf8'),
          password: readFileSync(wallets.passwordFile, 'utf8').trim(),
          logFile: join(dir, x.name, 'log.jsonl'),
        })
        continue
      }
      children.start({
        name: x.name,
        logFile: join(dir, x.name, 'log.jsonl'),
        ...(x.role === 'miner' && config.round.staleness > 0 ? { niceness: MINER_NICENESS } : {}),
        args: [
          BIN,
          x.role,
          'run',
          ...['--chain', devchain.url, '--netuid', String(subnet.netuid), '--wallet', x.name],
          ...['--wallet-dir', wallets.walletDir, '--password-file', wallets.passwordFile],
          ...['--data-dir', join(dir, x.name)],
          ...owner.multiaddrs().flatMap((a) => ['--peer', a]),
          ...(faulty
            .get(x.name)
            ?.split('+')
            .flatMap((k) => ['--faulty', k]) ?? []),
          ...(servesOne.has(x.name) ? ['--serve-only-to', servesOne.get(x.name) as string] : []),
          ...[
            '--workers',
            String(x.role === 'miner' && p.minerWorkers ? p.minerWorkers : workersEach(participants.length)),
          ],
          ...(p.metrics ? ['--metrics', '127.0.0.1:0'] : []),
          ...(x.role === 'miner' && minerBackend(x.name) ? ['--backend', minerBackend(x.name) as string] : []),
          ...(unreachable.get(x.name)?.flatMap((h) => ['--unreachable-miner', h]) ?? []),
          ...(adversaries.find((a) => a.name === x.name)?.args ?? []),
        ],
      })
      // One start a second: libp2p refuses more than 5 inbound connections a second from one host, and
      // every child dials the owner's node at start; a burst of starts also starves the in-process chain.
      if (participants.length > 5) await sleep(STAGGER_MS)
    }

    // Wait for every participant to register; the rounds count from the first one that opens after.
    const check = () => {
      if (p.signal?.aborted) throw new DevnetInterruptedError()
      if (loopError) throw loopError
      if (crash) throw crashError(crash, dir)
    }
    // Starting a participant (tfjs, keys, IPFS) is slow on a busy machine: twice a window's patience.
    const registerBy = Date.now() + 2 * p.windowTimeoutMs
    while (!last?.ready) {
      check()
      if (Date.now() > registerBy)
        throw new RegistrationTimeoutError(unregistered(last, participants), 2 * p.windowTimeoutMs)
      await sleep(TICK_MS)
    }
    const next = last.head + 1
    const firstRound = next <= subnet.genesisBlock ? 0 : schedule.roundOf(next - 1) + 1
    const wanted = Array.from({ length: p.rounds }, (_, i) => firstRound + i)
    clock.setLastRound(firstRound + p.rounds - 1)
    firstCounted = firstRound
    log.info('every participant registered', { head: last.head, firstRound })

    chaos.setRounds({ schedule, firstRound, threshold: subnet.threshold })
    const voidRounds = new Map<number, string>()
    const expectVoid = chaos.voidRounds()
    const deltaReveals = new Map<number, Set<string>>()
    // Past the last round only transactions make blocks: a chain that stops moving means a stuck settlement.
    let seenHead = { head: last.head, at: Date.now() }
    const reported = new Set<number>()
    const settledSoFar: RoundSummary[] = []
    try {
      for (;;) {
        check()
        const t = last as TickResult
        for (const a of t.included.filter((x) => x.type === 'delta-reveal')) {
          deltaReveals.set(a.round, (deltaReveals.get(a.round) ?? new Set()).add(a.hotkey))
        }
        await chaos.afterTick(t)
        for (const r of wanted) {
          if (voidRounds.has(r)) continue
          const cid = t.settled.get(r)
          if (cid && !reported.has(r)) {
            reported.add(r)
            const [s] = await summaries([{ round: r, ledgerCid: cid }], false)
            settledSoFar.push(s)
            log.info('round settled', { round: r, lossBefore: s.lossBefore, lossAfter: s.lossAfter, ledger: cid })
            p.onRound?.(s, Date.now() - started)
          }
          // Judged at the head `settled` was read at: a settlement in the deadline block itself counts.
          if (!cid && t.observedHead >= schedule.forRound(r + 1).lastBlock) {
            const reason = 'void: not settled before the end of the next round'
            if (!expectVoid.has(r)) throw new RoundFailedError(r, reason)
            voidRounds.set(r, `${reason} (chaos void-round: too few validators)`)
            log.warn('round void, as the chaos fault wanted', { round: r })
          }
        }
        if (wanted.every((r) => reported.has(r) || voidRounds.has(r))) break
        if (t.head !== seenHead.head) seenHead = { head: t.head, at: Date.now() }
        else if (Date.now() - seenHead.at > p.windowTimeoutMs + 60_000) {
          const stuck = wanted.find((r) => !reported.has(r) && !voidRounds.has(r)) as number
          throw new RoundFailedError(stuck, `the chain stopped at block ${t.head} and the round is not settled`)
        }
        await sleep(TICK_MS)
      }
    } catch (err) {
      // The rounds that settled before the failure are on chain: the report still shows them, and why it stopped.
      const report = await tryWriteReport(
        {
          rounds: settledSoFar,
          voidRounds: [...voidRounds].map(([round, reason]) => ({ round, reason })),
          elapsedMs: Date.now() - started,
          dir,
          netuid: subnet.netuid,
          chainUrl: devchain.url,
          failure: describeError(err),
        },
        log,
      )
      if (report) log.warn('devnet stopped early; the report shows the rounds settled before', { report })
      throw err
    }

    // Let everyone claim what the rounds approved: the clock now moves only for transactions.
    clock.hold()
    const settledRounds = () =>
      wanted
        .filter((r) => !voidRounds.has(r))
        .map((r) => ({ round: r, ledgerCid: (last as TickResult).settled.get(r) as string }))
    const claimers = (rounds: RoundSummary[]) =>
      rounds.map((r) => ({ ...r, miners: r.miners.filter((m) => !m.name || !chaos.gone.has(m.name)) }))
    let rounds = await summaries(settledRounds(), false)
    const deadline = Date.now() + CLAIM_TIMEOUT_MS
    while (Date.now() < deadline && !allClaimed(claimers(rounds))) {
      check()
      await sleep(1000)
      rounds = await summaries(settledRounds(), false)
    }
    if (!allClaimed(claimers(rounds))) log.warn('not every reward was claimed in time', { ms: CLAIM_TIMEOUT_MS })
    // What each browser miner's page shows now: a screenshot and its figures, in its folder.
    await browsers.capture((name) => join(dir, name))
    if (p.serve) rounds = await summaries(settledRounds(), true)
    const busy = participants
      .filter((x) => x.role === 'miner')
      .flatMap((x) => {
        const b = readMinerBusy(join(dir, x.name, 'log.jsonl'))
        return b ? [{ name: x.name, ...b }] : []
      })
    const honestBusy = busy.filter((b) => b.name.startsWith('miner-'))
    const compute = participants.flatMap((x) => {
      const c = readCompute(join(dir, x.name, 'log.jsonl'))
      return c ? [{ name: x.name, ...c }] : []
    })
    const result: DevnetResult = {
      rounds,
      ...(busy.length > 0 ? { busy } : {}),
      ...(honestBusy.length > 0
        ? {
            minerBusyFraction: Number(
              (honestBusy.reduce((s, b) => s + b.busyFraction, 0) / honestBusy.length).toFixed(3),
            ),
          }
        : {}),
      ...(compute.length > 0 ? { compute } : {}),
      ...(voidRounds.size > 0 ? { voidRounds: [...voidRounds].map(([round, reason]) => ({ round, reason })) } : {}),
      elapsedMs: Date.now() - started,
      dir,
      netuid: subnet.netuid,
      chainUrl: devchain.url,
      ...(web ? { web: web.url } : {}),
      ...(adversaries.length > 0
        ? {
            adversaries: adversaries.map((a) => ({
              name: a.name,
              hotkey: wallets.addresses.get(a.name) as string,
              kind: a.kind,
              behaviour: a.behaviour,
            })),
          }
        : {}),
    }
    const report = await tryWriteReport(result, log)
    if (report) result.report = report
    if (p.serve) {
      stopLoop = true
      await loop
      await children.stopAll()
      await browsers.stopAll()
      devchain.clock.setMode({ mode: 'instant' })
      p.serve.onReady(result, owner.multiaddrs())
      await new Promise<void>((res) => p.serve?.signal.addEventListener('abort', () => res(), { once: true }))
    }
    return result

    async function summaries(list: { round: number; ledgerCid: string }[], pin: boolean) {
      const out = await readSummaries({
        client,
        storage: owner,
        netuid: subnet.netuid,
        maxUids: config.subnet.maxUids,
        immunityBlocks: config.subnet.immunityBlocks,
        rounds: list,
        loadLedger: loadDevnetLedger,
        pin,
        deltaReveals,
        names: new Map(participants.map((x) => [x.address, x.name])),
      })
      // Each miner's own log says what it downloaded for the round's base (docs/network.md, following).
      const downloads = new Map(
        participants
          .filter((x) => x.role === 'miner')
          .map((x) => [x.name, readBaseDownloads(join(dir, x.name, 'log.jsonl'))]),
      )
      // … and, pipelined, at which inner step it moved onto the checkpoint settled meanwhile.
      const rebases = new Map(
        participants
          .filter((x) => x.role === 'miner')
          .map((x) => [x.name, readRebases(join(dir, x.name, 'log.jsonl'))]),
      )
      for (const r of out)
        for (const m of r.miners) {
          const d = m.name ? downloads.get(m.name)?.get(r.round) : undefined
          if (d) m.download = d
          const steps = m.name ? rebases.get(m.name)?.get(r.round) : undefined
          if (steps) m.rebasedAt = steps
        }
      return out
    }
  } catch (err) {
    failed = true
    throw err
  } finally {
    stopLoop = true
    await loop
    // Last started, first stopped: children, owner node, client, chain.
    for (const c of cleanups.reverse()) await c().catch((err) => log.warn('cleanup failed', { err }))
    if (failed) {
      try {
        pruneFailedRun(dir)
        log.info('the run failed: its logs and report are kept, its chain, wallets and IPFS stores removed', { dir })
      } catch (err) {
        log.warn("could not remove the failed run's chain, wallets and IPFS stores", {
          dir,
          reason: describeError(err),
        })
      }
    }
  }
}

/** Every miner's positive reward of every round has been claimed (validators claim when they choose). */
function allClaimed(rounds: readonly RoundSummary[]): boolean {
  return rounds.every((r) => r.miners.every((x) => x.reward === '0' || x.claimed))
}

function unregistered(t: TickResult | undefined, participants: readonly Participant[]): string[] {
  const ids = new Set([...(t?.members.values() ?? [])].map((m) => accountId(m.hotkey)))
  return participants.filter((x) => !ids.has(accountId(x.address))).map((x) => x.name)
}

function crashError(exit: ChildExit, dir: string): ChildCrashedError {
  const file = join(dir, exit.name, 'log.jsonl')
  const how = exit.reason ?? (exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}`)
  return new ChildCrashedError(exit.name, how, logTail(file, 15), file)
}

function sleep(ms: number): Promise<void> {
  return new Promise((res) => setTimeout(res, ms))
}
