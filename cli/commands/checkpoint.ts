import type { Command } from 'commander'
import { UsageError } from '../../shared/errors/index.ts'
import type { Logger } from '../../shared/logger/index.ts'
import {
  fetchSettledCheckpoint,
  listCheckpoints,
  type OpenSubnet,
  openSubnet,
  type PullProgress,
  pullCheckpoint,
  readLocalCheckpoint,
  type SampleSource,
  sampleText,
  verifyRound,
} from '../checkpoint/index.ts'
import { CliExit, cliLogger, printJson, say, table } from '../output.ts'
import { intFlag } from './chain.ts'

/** Options every `checkpoint` subcommand that reads the network takes. */
type NetOptions = {
  chain: string
  netuid?: string
  ipfsApi?: string
  peer: string[]
  timeout: string
  json?: boolean
  logLevel?: string
}

const MAX_U32 = 2 ** 32 - 1
const collect = (value: string, previous: string[]) => [...previous, value]
const mb = (n: number) => (n / 1e6).toFixed(1)

function withNetOptions(cmd: Command): Command {
  return cmd
    .option('--chain <url>', 'ws URL of the chain', 'ws://127.0.0.1:9944')
    .option('--netuid <n>', 'subnet id')
    .option('--ipfs-api <url>', 'Kubo RPC URL (default: a temporary embedded IPFS node)')
    .option(
      '--peer <multiaddr>',
      'IPFS peer to dial (repeatable); without it, every registered peer is dialled',
      collect,
      [],
    )
    .option('--timeout <s>', 'seconds allowed for each fetch', '120')
    .option('--json', 'print one JSON object')
    .option('--log-level <level>', 'debug|info|warn|error|silent')
}

// Opens the subnet for one command and always closes it.
async function withSubnet<T>(opts: NetOptions, logger: Logger, run: (net: OpenSubnet) => Promise<T>): Promise<T> {
  if (opts.netuid === undefined) throw new UsageError('--netuid is required.')
  const net = await openSubnet({
    chain: opts.chain,
    netuid: intFlag('netuid', opts.netuid, 0, MAX_U32),
    ipfsApi: opts.ipfsApi,
    peers: opts.peer,
    timeoutMs: intFlag('timeout', opts.timeout, 1, 86_400) * 1000,
    logger,
    // The temporary IPFS node's start/stop lines are noise here; warnings still show.
    storageLogger: cliLogger({ json: true, logLevel: opts.logLevel ?? 'warn' }),
  })
  try {
    return await run(net)
  } finally {
    await net.close()
  }
}

const roundOf = (v: string | undefined) => (v === undefined ? undefined : intFlag('round', v, 0, MAX_U32))

/** `crowdtrain checkpoint list|pull|verify|sample`: what researchers do with settled checkpoints. */
export function registerCheckpoint(program: Command): void {
  const checkpoint = program
    .command('checkpoint')
    .description('List, pull, verify and sample the aggregated checkpoints of settled rounds.')
  registerList(checkpoint)
  registerPull(checkpoint)
  registerVerify(checkpoint)
  registerSample(checkpoint)
}

function registerList(checkpoint: Command): void {
  withNetOptions(
    checkpoint.command('list').description('Settled rounds with checkpoint CID, report-split loss, deltas.'),
  ).action(async (opts: NetOptions) => {
    const logger = cliLogger({ json: true, logLevel: opts.logLevel })
    const rounds = await withSubnet(opts, logger, listCheckpoints)
    if (opts.json) return printJson({ netuid: Number(opts.netuid), rounds })
    if (rounds.length === 0) return say(`subnet ${opts.netuid}: no settled round yet`)
    const loss = (v: number | undefined) => (v === undefined ? '-' : v.toFixed(4))
    say(
      table(
        ['round', 'checkpoint', 'loss before', 'loss after', 'accepted', 'aggregated', 'ledger'],
        rounds.map((r) => [
          r.round,
          r.checkpointCid ?? '-',
          loss(r.lossBefore),
          loss(r.lossAfter),
          r.accepted ?? '-',
          r.aggregated ?? '-',
          r.ledgerCid,
        ]),
      ),
    )
    for (const r of rounds.filter((x) => x.warning)) process.stderr.write(`warning: round ${r.round}: ${r.warning}\n`)
  })
}

function registerPull(checkpoint: Command): void {
  withNetOptions(
    checkpoint
      .command('pull')
      .description('Download a settled checkpoint: safetensors, manifest, ledger and a TensorFlow.js model.')
      .requiredOption('--out <dir>', 'folder to write into (created)')
      .option('--round <r>', 'settled round (default: the newest)'),
  ).action(async (opts: NetOptions & { out: string; round?: string }) => {
    const round = roundOf(opts.round)
    const logger = cliLogger({ json: true, logLevel: opts.logLevel ?? (opts.json ? 'warn' : 'info') })
    const started = Date.now()
    const onProgress = progressReporter(logger)
    const pulled = await withSubnet(opts, logger, (net) => pullCheckpoint(net, { round, out: opts.out, onProgress }))
    const ms = Date.now() - started
    if (opts.json) return printJson({ ...pulled, ms })
    say(
      `round ${pulled.round}: checkpoint ${pulled.checkpointCid} (${pulled.task}, report-split loss ${pulled.reportLoss})`,
    )
    say(
      table(
        ['file', 'bytes'],
        pulled.files.map((f) => [f.path, f.bytes]),
      ),
    )
    say(`written to ${pulled.out} in ${(ms / 1000).toFixed(1)} s; the CID was checked`)
  })
}

// Progress of large files: a redrawn line on a terminal (stderr), a log record per quarter otherwise.
function progressReporter(logger: Logger): (p: PullProgress) => void {
  const tty = process.stderr.isTTY
  const logged = new Map<string, number>()
  return (p) => {
    const done = p.total !== undefined && p.bytes >= p.total
    if (tty) {
      const of = p.total === undefined ? '' : `/${mb(p.total)}`
      process.stderr.write(`\r\x1b[2K${p.file}: ${mb(p.bytes)}${of} MB${done ? '\n' : ''}`)
      return
    }
    const quarter = p.total ? Math.floor((4 * p.bytes) / p.total) : 0
    if (quarter > (logged.get(p.file) ?? -1)) {
      logged.set(p.file, quarter)
      logger.info('fetching', { file: p.file, bytes: p.bytes, total: p.total })
    }
  }
}

function registerVerify(checkpoint: Command): void {
  withNetOptions(
    checkpoint
      .command('verify')
      .description("Recompute a round's consensus, payouts and checkpoint and compare them with the chain.")
      .option('--round <r>', 'settled round (default: the newest)')
      .option('--dir <dir>', 'also check the checkpoint files in this folder (as pull writes them)')
      .option(
        '--trust-ledger',
        "skip checking the ledger's inputs against the chain's records (that check scans the blocks from genesis to the round)",
      ),
  ).action(async (opts: NetOptions & { round?: string; dir?: string; trustLedger?: boolean }) => {
    const round = roundOf(opts.round)
    const logger = cliLogger({ json: true, logLevel: opts.logLevel ?? 'warn' })
    const started = Date.now()
    const v = await withSubnet(opts, logger, (net) =>
      verifyRound(net, { round, dir: opts.dir, trustLedger: opts.trustLedger === true }),
    )
    const ms = Date.now() - started
    if (opts.json) printJson({ ...v, ms })
    else {
      say(`round ${v.round}: ledger ${v.ledgerCid}, checkpoint ${v.checkpointCid}`)
      say(
        table(
          ['', 'part', 'detail'],
          v.checks.map((c) => [c.ok ? 'ok' : 'FAIL', c.part, c.detail]),
        ),
      )
      const failed = v.checks.filter((c) => !c.ok).map((c) => c.part)
      say(
        v.ok
          ? `verified in ${(ms / 1000).toFixed(1)} s: round ${v.round} is exactly what the chain settled`
          : `MISMATCH in ${failed.join(', ')}`,
      )
    }
    if (!v.ok) throw new CliExit(1)
  })
}

function registerSample(checkpoint: Command): void {
  withNetOptions(
    checkpoint
      .command('sample')
      .description("Generate text from a text task's checkpoint (a settled round, or a pulled folder).")
      .requiredOption('--prompt <text>', 'text to continue')
      .option('--tokens <n>', 'characters to generate', '200')
      .option('--temperature <t>', '0: most likely character; 1: the model distribution', '0.8')
      .option('--seed <n>', 'sampling seed (same seed, checkpoint and prompt: same text)', '0')
      .option('--round <r>', 'settled round (default: the newest)')
      .option('--dir <dir>', 'a pulled checkpoint folder (no chain or IPFS needed)'),
  ).action(
    async (
      opts: NetOptions & {
        prompt: string
        tokens: string
        temperature: string
        seed: string
        round?: string
        dir?: string
      },
    ) => {
      const tokens = intFlag('tokens', opts.tokens, 1, 100_000)
      const seed = intFlag('seed', opts.seed, 0, MAX_U32)
      const temperature = Number(opts.temperature)
      if (!Number.isFinite(temperature) || temperature < 0 || temperature > 10)
        throw new UsageError(`--temperature must be a number from 0 to 10, got "${opts.temperature}".`)
      if (opts.dir && opts.round !== undefined) throw new UsageError('Give --round or --dir, not both.')
      const round = roundOf(opts.round)
      const logger = cliLogger({ json: true, logLevel: opts.logLevel ?? 'warn' })
      const source: SampleSource = opts.dir
        ? await localSource(opts.dir)
        : await withSubnet(opts, logger, async (net) => {
            const got = await fetchSettledCheckpoint(net, { round })
            return { task: got.task, config: got.config, params: got.checkpoint.params, round: got.round.round }
          })
      const text = await sampleText(source, { prompt: opts.prompt, tokens, temperature, seed, logger })
      if (opts.json) return printJson({ round: source.round, task: source.task.name, prompt: opts.prompt, text })
      say(`${opts.prompt}${text}`)
    },
  )
}

async function localSource(dir: string): Promise<SampleSource> {
  const local = await readLocalCheckpoint(dir)
  return {
    task: local.task,
    config: local.config,
    params: local.checkpoint.params,
    round: local.checkpoint.manifest.round,
  }
}
