import { availableParallelism, homedir } from 'node:os'
import { join, resolve } from 'node:path'
import { peerIdFromString } from '@libp2p/peer-id'
import { type Command, Option } from 'commander'
import { connect } from '../../chain/index.ts'
import {
  ADVERSARY_BEHAVIOURS,
  createAdversary,
  createMiner,
  createMinerMetrics,
  isAdversaryBehaviour,
  type MinerMetrics,
  type MinerProgress,
  needsShareFile,
} from '../../miner/index.ts'
import { BACKEND_NAMES, initBackend } from '../../shared/backend/index.ts'
import { UsageError } from '../../shared/errors/index.ts'
import { defaultWalletDir } from '../../shared/keys/index.ts'
import { LOG_LEVELS, type Logger } from '../../shared/logger/index.ts'
import {
  type MetricsServer,
  parseMetricsListen,
  registerNodeMetrics,
  serveMetrics,
} from '../../shared/metrics/index.ts'
import { createHeliaStorage, createKuboStorage, type HeliaStorage, type Storage } from '../../shared/storage/index.ts'
import { cliLogger, printJson } from '../output.ts'
import { intFlag } from './chain.ts'
import { loadSigner } from './claim.ts'

const collect = (value: string, previous: string[] = []) => [...previous, value]

/** `crowdtrain miner run`: the miner service until SIGINT / SIGTERM (or `--rounds` rounds). */
export function registerMiner(program: Command): void {
  const miner = program.command('miner').description('Train model shards and publish weight deltas.')
  miner
    .command('run')
    .description('Run a miner: register, then each round train its shard, commit and reveal the delta, claim rewards.')
    .requiredOption('--chain <url>', 'ws URL of the chain')
    .requiredOption('--netuid <n>', 'subnet id')
    .option('--wallet <name>', 'wallet holding the miner hotkey')
    .option('--wallet-dir <dir>', 'folder of keystore files', defaultWalletDir())
    .option('--password-file <file>', 'read the wallet password from this file')
    .option('--dev-account <uri>', 'dev chains only: sign with a public dev key such as //Eve')
    .option('--data <dir>', 'state folder (round progress, residual, optimizer state, IPFS store)')
    .option('--data-dir <dir>', 'same as --data')
    .option('--ipfs-api <url>', 'use a Kubo daemon at this RPC URL instead of the embedded Helia node')
    .option('--listen <multiaddr>', 'where the embedded node listens', '/ip4/127.0.0.1/tcp/0')
    .option('--peer <multiaddr>', 'a peer to dial at start, e.g. the subnet owner (repeatable)', collect, [])
    .option('--backend <name>', `compute backend: ${BACKEND_NAMES.join('|')}`, 'wasm')
    .option('--workers <n>', "worker threads training each round data-parallel (default: the machine's cores)")
    .option('--rounds <n>', 'stop after this many rounds are revealed and settled (or void)')
    .option('--metrics <host:port>', 'serve Prometheus metrics at http://host:port/metrics (e.g. 127.0.0.1:9464)')
    .option('--json', 'print one JSON object when stopping')
    .option('--log-level <level>', 'debug|info|warn|error|silent')
    // Robustness tests and benchmarks only: behave as an adversarial miner (README "Security").
    .addOption(new Option('--adversary <behaviour>', ADVERSARY_BEHAVIOURS.join('|')).hideHelp())
    .addOption(new Option('--adversary-share <file>', 'the sybil operator shared delta file').hideHelp())
    // Robustness tests only (devnet chaos reachable-by-one): the node talks to these peers and --peer alone.
    .addOption(
      new Option('--serve-only-to <peerId>', 'connect only with this libp2p peer (repeatable)')
        .argParser(collect)
        .hideHelp(),
    )
    .action(async (opts) => {
      const netuid = intFlag('netuid', opts.netuid, 0, 2 ** 32 - 1)
      for (const id of (opts.serveOnlyTo ?? []) as string[]) {
        try {
          peerIdFromString(id)
        } catch {
          throw new UsageError(`--serve-only-to must be a libp2p peer id, got "${id}".`)
        }
      }
      const rounds = opts.rounds === undefined ? undefined : intFlag('rounds', opts.rounds, 1, 1_000_000)
      // A GPU trains one batch at a time: worker threads are for CPU backends.
      const cpuWorkers = opts.workers === undefined ? availableParallelism() : intFlag('workers', opts.workers, 1, 256)
      const workers = opts.backend === 'webgpu' ? 1 : cpuWorkers
      if (!(BACKEND_NAMES as readonly string[]).includes(opts.backend))
        throw new UsageError(`--backend must be one of ${BACKEND_NAMES.join(', ')}, got "${opts.backend}".`)
      if (!/^wss?:\/\//.test(opts.chain))
        throw new UsageError(`--chain must be a ws:// or wss:// URL, got "${opts.chain}".`)
      if (opts.logLevel !== undefined && !(LOG_LEVELS as readonly string[]).includes(opts.logLevel))
        throw new UsageError(`--log-level must be one of ${LOG_LEVELS.join(', ')}, got "${opts.logLevel}".`)
      if (opts.metrics !== undefined) parseMetricsListen(opts.metrics)
      const adversary = adversaryOf(opts)
      const pair = await loadSigner(opts)
      const logger = cliLogger(opts)
      const dataDir = resolve(opts.data ?? opts.dataDir ?? join(homedir(), '.crowdtrain', 'miners', pair.address))
      const backend = await initBackend(opts.backend, logger)
      logger.info('compute threads', { workers, backend: backend.name })
      // The chain first: when it cannot be reached, no IPFS node is left running behind the error.
      const client = await connect({ url: opts.chain, logger })
      let storage: Storage
      try {
        storage = opts.ipfsApi
          ? createKuboStorage({ url: opts.ipfsApi })
          : await createHeliaStorage({
              ...{ dir: join(dataDir, 'ipfs'), listen: [opts.listen], peers: opts.peer, logger },
              allowPeers: opts.serveOnlyTo,
            })
      } catch (err) {
        await client.disconnect()
        throw err
      }
      try {
        await storage.start()
        if ('dial' in storage) await redialPeers(storage as HeliaStorage, opts.peer, logger)
      } catch (err) {
        await storage.stop().catch(() => undefined)
        await client.disconnect()
        throw err
      }
      const status = process.stderr.isTTY && !opts.json ? statusLine() : undefined
      let metrics: { m: MinerMetrics; server: MetricsServer } | undefined
      if (opts.metrics !== undefined) {
        const m = createMinerMetrics()
        registerNodeMetrics(m.registry, 'miner', { client, storage })
        try {
          metrics = { m, server: await serveMetrics({ listen: opts.metrics, registry: m.registry }) }
        } catch (err) {
          await storage.stop().catch(() => undefined)
          await client.disconnect()
          throw new UsageError(`Cannot serve metrics at ${opts.metrics}: ${(err as Error).message}.`)
        }
        logger.info('metrics served', { url: metrics.server.url })
      }
      const service = createMiner({
        client,
        netuid,
        pair,
        dataDir,
        storage,
        backend,
        workers,
        logger,
        rounds,
        adversary,
        redial: 'dial' in storage ? () => redialPeers(storage as HeliaStorage, opts.peer, logger, true) : undefined,
        onProgress: (x) => {
          status?.update(x)
          metrics?.m.onProgress(x)
        },
      })
      const onSignal = () => void service.stop()
      process.once('SIGINT', onSignal)
      process.once('SIGTERM', onSignal)
      try {
        await service.start()
        await service.done
      } finally {
        process.off('SIGINT', onSignal)
        process.off('SIGTERM', onSignal)
        status?.end()
        await service.stop()
        await metrics?.server.close()
        await storage.stop().catch(() => undefined)
        await client.disconnect()
      }
      if (opts.json) printJson({ netuid, hotkey: pair.address, dataDir, stopped: true })
    })
}

/**
 * Dials the `--peer` addresses the node could not reach at start, a few times: the subnet document
 * comes from them, and a busy peer (many nodes starting at once on one host) refuses some dials.
 */
async function redialPeers(
  storage: HeliaStorage,
  peers: readonly string[],
  logger: Logger,
  fresh = false,
): Promise<void> {
  for (const addr of peers) {
    const id = /\/p2p\/([^/]+)$/.exec(addr)?.[1]
    // A connection that carries nothing (a starved peer) is closed and made again.
    if (fresh && id) await storage.libp2p.hangUp(peerIdFromString(id)).catch(() => undefined)
    for (let attempt = 1; attempt <= 5; attempt++) {
      if (!id || storage.libp2p.getConnections().some((c) => c.remotePeer.toString() === id)) break
      await new Promise((r) => setTimeout(r, 1000 + Math.random() * 2000))
      await storage.dial(addr).catch((err) => logger.warn('could not dial peer; trying again', { addr, attempt, err }))
    }
  }
}

/** The adversarial behaviour named by the hidden flags, checked; undefined for an honest miner. */
function adversaryOf(opts: { adversary?: string; adversaryShare?: string }) {
  if (opts.adversary === undefined) return undefined
  if (!isAdversaryBehaviour(opts.adversary))
    throw new UsageError(`--adversary must be one of ${ADVERSARY_BEHAVIOURS.join(', ')}, got "${opts.adversary}".`)
  if (needsShareFile(opts.adversary) && !opts.adversaryShare)
    throw new UsageError(`--adversary ${opts.adversary} needs --adversary-share FILE.`)
  return createAdversary({
    behaviour: opts.adversary,
    shareFile: opts.adversaryShare ? resolve(opts.adversaryShare) : undefined,
  })
}

/** One status line on the terminal, rewritten in place: round, phase, step, loss, upload. */
function statusLine(): { update: (p: MinerProgress) => void; end: () => void } {
  let shown = false
  return {
    update(p) {
      const parts = [p.round === null ? 'miner' : `round ${p.round}`, p.phase]
      if (p.step !== undefined && p.steps !== undefined) parts.push(`step ${p.step}/${p.steps}`)
      if (p.loss !== undefined) parts.push(`loss ${p.loss.toFixed(4)}`)
      if (p.bytes !== undefined) parts.push(`${(p.bytes / 1024).toFixed(1)} KiB`)
      if (p.ratio !== undefined) parts.push(`${p.ratio.toFixed(1)}× smaller`)
      if (p.cid) parts.push(p.cid)
      if (p.amount !== undefined) parts.push(`claimed ${p.amount}`)
      if (p.message) parts.push(p.message)
      const line = parts.join(' · ').slice(0, (process.stderr.columns ?? 120) - 1)
      // Phases that end a step stay on screen; training steps overwrite each other.
      const keep = p.phase !== 'train' && p.phase !== 'wait'
      process.stderr.write(`\r\x1b[2K${line}${keep ? '\n' : ''}`)
      shown = !keep
    },
    end() {
      if (shown) process.stderr.write('\n')
    },
  }
}
