import { availableParallelism, homedir } from 'node:os'
import { join, resolve } from 'node:path'
import { decodeAddress } from '@polkadot/util-crypto'
import { type Command, Option } from 'commander'
import { connect } from '../../chain/index.ts'
import { initBackend, SCORING_BACKENDS } from '../../shared/backend/index.ts'
import { UsageError } from '../../shared/errors/index.ts'
import { defaultWalletDir } from '../../shared/keys/index.ts'
import {
  type MetricsServer,
  parseMetricsListen,
  registerNodeMetrics,
  serveMetrics,
} from '../../shared/metrics/index.ts'
import { createHeliaStorage, createKuboStorage, SERVING_LISTEN, type Storage } from '../../shared/storage/index.ts'
import { createValidator, createValidatorMetrics, FAULT_KINDS, parseFaults } from '../../validator/index.ts'
import { cliLogger, printJson } from '../output.ts'
import { intFlag } from './chain.ts'
import { loadSigner } from './claim.ts'

const collect = (value: string, previous: string[] = []) => [...previous, value]

/** `crowdtrain validator run`: the validator service until SIGINT / SIGTERM (or `--rounds` rounds). */
export function registerValidator(program: Command): void {
  const validator = program
    .command('validator')
    .description('Score deltas, commit and reveal weights, co-sign settlements.')
  validator
    .command('run')
    .description('Run a validator: fetch and score every delta, commit/reveal weights, settle each round.')
    .requiredOption('--chain <url>', 'ws URL of the chain')
    .requiredOption('--netuid <n>', 'subnet id')
    .option('--wallet <name>', 'wallet holding the validator hotkey')
    .option('--wallet-dir <dir>', 'folder of keystore files', defaultWalletDir())
    .option('--password-file <file>', 'read the wallet password from this file')
    .option('--dev-account <uri>', 'dev chains only: sign with a public dev key such as //Bob')
    .option('--data <dir>', 'state folder (round states, scores, IPFS store)')
    .option('--data-dir <dir>', 'same as --data')
    .option('--ipfs-api <url>', 'use a Kubo daemon at this RPC URL instead of the embedded Helia node')
    .option(
      '--listen <multiaddr>',
      'where the embedded node listens (repeatable; default: TCP and WebSockets, for browser miners, on 127.0.0.1)',
      collect,
    )
    .option('--peer <multiaddr>', 'a peer to dial at start, e.g. the subnet owner (repeatable)', collect, [])
    .option('--backend <name>', `compute backend: ${SCORING_BACKENDS.join('|')} (default: the subnet config's)`)
    .option('--workers <n>', "worker threads scoring deltas at once (default: the machine's cores, at most 8)")
    .option('--rounds <n>', 'stop after this many rounds are settled or over')
    .option('--metrics <host:port>', 'serve Prometheus metrics at http://host:port/metrics (e.g. 127.0.0.1:9465)')
    .option('--json', 'print one JSON object when stopping')
    .option('--log-level <level>', 'debug|info|warn|error|silent')
    .addOption(
      // Robustness tests only (the devnet's --faulty-validator): misbehave on purpose, see validator/faults.
      new Option('--faulty <kind>', `misbehave on purpose: ${FAULT_KINDS.join('|')} (repeatable)`)
        .argParser(collect)
        .default([])
        .hideHelp(),
    )
    .addOption(
      // Robustness tests only (devnet chaos reachable-by-one): a mocked network fault, see validator/faults.
      new Option('--unreachable-miner <hotkey>', "treat this miner's deltas as unfetchable (repeatable)")
        .argParser(collect)
        .default([])
        .hideHelp(),
    )
    .action(async (opts) => {
      const netuid = intFlag('netuid', opts.netuid, 0, 2 ** 32 - 1)
      const faults = parseFaults(opts.faulty)
      for (const hotkey of (opts.unreachableMiner ?? []) as string[]) {
        try {
          decodeAddress(hotkey)
        } catch {
          throw new UsageError(`--unreachable-miner must be an SS58 hotkey, got "${hotkey}".`)
        }
      }
      const rounds = opts.rounds === undefined ? undefined : intFlag('rounds', opts.rounds, 1, 1_000_000)
      // Each scoring thread holds a model and its own wasm memory: 8 by default is plenty for a round's deltas.
      const workers =
        opts.workers === undefined ? Math.min(8, availableParallelism()) : intFlag('workers', opts.workers, 1, 256)
      if (opts.backend !== undefined && !(SCORING_BACKENDS as readonly string[]).includes(opts.backend))
        throw new UsageError(
          `--backend must be one of ${SCORING_BACKENDS.join(', ')} (validators must agree bit for bit; webgpu is for miners), got "${opts.backend}".`,
        )
      if (!/^wss?:\/\//.test(opts.chain))
        throw new UsageError(`--chain must be a ws:// or wss:// URL, got "${opts.chain}".`)
      if (opts.metrics !== undefined) parseMetricsListen(opts.metrics)
      const pair = await loadSigner(opts)
      const logger = cliLogger(opts)
      const dataDir = resolve(opts.data ?? opts.dataDir ?? join(homedir(), '.crowdtrain', 'validators', pair.address))
      const backend = opts.backend === undefined ? undefined : await initBackend(opts.backend, logger)
      logger.info('compute threads', { workers })
      const client = await connect({ url: opts.chain, logger })
      let storage: Storage | undefined
      let metricsServer: MetricsServer | undefined
      const onSignal = () => void service?.stop()
      let service: ReturnType<typeof createValidator> | undefined
      process.once('SIGINT', onSignal)
      process.once('SIGTERM', onSignal)
      try {
        storage = opts.ipfsApi
          ? createKuboStorage({ url: opts.ipfsApi })
          : await createHeliaStorage({
              ...{ dir: join(dataDir, 'ipfs'), listen: opts.listen ?? [...SERVING_LISTEN] },
              ...{ peers: opts.peer, logger },
            })
        const metrics = opts.metrics === undefined ? undefined : createValidatorMetrics()
        if (metrics) {
          registerNodeMetrics(metrics.registry, 'validator', { client, storage })
          try {
            metricsServer = await serveMetrics({ listen: opts.metrics, registry: metrics.registry })
          } catch (err) {
            throw new UsageError(`Cannot serve metrics at ${opts.metrics}: ${(err as Error).message}.`)
          }
          logger.info('metrics served', { url: metricsServer.url })
        }
        service = createValidator({
          ...{ client, netuid, pair, dataDir, storage, backend, workers, logger, rounds, peers: opts.peer },
          faults,
          unreachable: new Set<string>(opts.unreachableMiner),
          onEvent: metrics?.onEvent,
        })
        await service.start()
        await service.done
      } finally {
        process.off('SIGINT', onSignal)
        process.off('SIGTERM', onSignal)
        await service?.stop()
        await metricsServer?.close()
        await storage?.stop().catch(() => undefined)
        await client.disconnect()
      }
      if (opts.json) printJson({ netuid, hotkey: pair.address, dataDir, stopped: true })
    })
}
