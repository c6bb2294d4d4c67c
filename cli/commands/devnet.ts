import { join } from 'node:path'
import type { Command } from 'commander'
import { ADVERSARY_KINDS } from '../../miner/index.ts'
import { BACKEND_NAMES } from '../../shared/backend/index.ts'
import { UsageError } from '../../shared/errors/index.ts'
import { createLogger } from '../../shared/logger/index.ts'
import { FAULT_KINDS, parseFaults } from '../../validator/index.ts'
import {
  claimCount,
  type DevnetResult,
  parseAdversaries,
  parseChaos,
  renderRound,
  runDevnet,
  TerminalView,
} from '../devnet/index.ts'
import { cliLogger, printJson, say } from '../output.ts'

const collect = (value: string, prev: string[]) => [...prev, value]

/** `crowdtrain devnet`: the whole network on this machine, with a live table and a JSON report. */
export function registerDevnet(program: Command): void {
  program
    .command('devnet')
    .description('Run a whole network on this machine: dev chain, subnet, miners and validators, for a few rounds.')
    .option('--miners <n>', 'miner processes', '3')
    .option('--validators <n>', 'validator processes', '2')
    .option(
      '--browser-miners <n>',
      'miners in headless chromium tabs on the web miner page (Debian chromium; README "Mine from a browser")',
      '0',
    )
    .option(
      '--browser-backend <name>',
      'what browser miners train on: webgpu (wasm where it is missing) or wasm',
      'webgpu',
    )
    .option('--rounds <n>', 'rounds to settle', '3')
    .option('--task <name>', "task to train (default: the preset's, moby-char)")
    .option('--preset <name>', 'model and training preset (laptop = defaults, tiny for CI)', 'laptop')
    .option('--set <key=value>', 'config override, repeatable (e.g. --set train.innerSteps=10)', collect, [])
    .option('--dir <dir>', 'parent folder; each run gets a timestamped subfolder', './.devnet')
    .option('--fresh', 'delete the earlier runs in --dir first')
    .option('--window-timeout <s>', 'seconds the clock waits for a window before moving on', '180')
    .option(
      '--chaos <fault>',
      'a fault on purpose, repeatable: kill-miner-after-commit:I, kill-validator-after-commit:I (SIGKILL, then ' +
        'restart), kill-miner-after-reveal:I[@R], slow-miner:I[@R], reachable-by-one:I:J, restart-chain:R, ' +
        'void-round:R (I, J: miner/validator index; R: round from the first counted one, 0)',
      collect,
      [],
    )
    .option(
      '--faulty-validator <kinds>',
      `make a validator misbehave: ${FAULT_KINDS.join('|')}, or kinds joined by + (repeatable: the first ` +
        'goes to the last validator, the next to the one before)',
      collect,
      [],
    )
    .option(
      '--adversary <kind>',
      `add an adversarial miner (robustness tests), repeatable: ${ADVERSARY_KINDS.join('|')}`,
      collect,
      [],
    )
    .option(
      '--miner-backend <name>',
      `compute backend of miner-0, then miner-1, …, repeatable: ${BACKEND_NAMES.join('|')} (default wasm)`,
      collect,
      [],
    )
    .option('--miner-workers <n>', "training threads of each miner (default: its share of the machine's cores)")
    .option(
      '--metrics',
      'every miner and validator serves Prometheus metrics on 127.0.0.1 (a free port; the URLs are in the summary)',
    )
    .option(
      '--serve',
      "serve the web miner page while the rounds run, and after them keep the chain and the owner's IPFS node up until Ctrl-C",
    )
    .option('--json', 'print one JSON object as the last line')
    .option('--log-level <level>', 'debug, info, warn, error')
    .action(async (opts) => {
      const miners = count('--miners', opts.miners, 1)
      const browserMiners = count('--browser-miners', opts.browserMiners, 0)
      if (opts.browserBackend !== 'webgpu' && opts.browserBackend !== 'wasm')
        throw new UsageError(`--browser-backend must be webgpu or wasm, got "${opts.browserBackend}".`)
      // The treasury's multisig needs at least two signatories (multisig.TooFewSignatories otherwise).
      const validators = count('--validators', opts.validators, 2)
      const rounds = count('--rounds', opts.rounds, 1)
      const windowTimeout = count('--window-timeout', opts.windowTimeout, 1)
      const chaos = parseChaos(opts.chaos, { miners, validators })
      for (const kinds of opts.faultyValidator) parseFaults([kinds])
      if (opts.faultyValidator.length > validators)
        throw new UsageError(
          `--faulty-validator given ${opts.faultyValidator.length} times for ${validators} validators.`,
        )
      const adversaries = parseAdversaries(opts.adversary)
      const minerBackends = opts.minerBackend as string[]
      for (const b of minerBackends)
        if (!(BACKEND_NAMES as readonly string[]).includes(b))
          throw new UsageError(`--miner-backend must be one of ${BACKEND_NAMES.join(', ')}, got "${b}".`)
      const minerWorkers =
        opts.minerWorkers === undefined ? undefined : Math.min(256, count('--miner-workers', opts.minerWorkers, 1))
      if (minerBackends.length > miners)
        throw new UsageError(`--miner-backend given ${minerBackends.length} times for ${miners} miners.`)
      const tty = process.stdout.isTTY && !opts.json
      // On a terminal, one clean live view; the info log goes to <run folder>/devnet.log. An explicit
      // --log-level keeps the structured lines on stderr, as without a terminal.
      const view = tty && opts.logLevel === undefined ? new TerminalView() : undefined
      const logger = view
        ? createLogger({ level: 'info', sink: view.sink })
        : cliLogger({ json: opts.json, logLevel: opts.logLevel })
      const show = (text: string) => (view ? view.print(text) : say(`${tty ? '\r\x1b[2K' : ''}${text}`))
      const stop = new AbortController()
      const onSignal = () => stop.abort()
      process.once('SIGINT', onSignal)
      process.once('SIGTERM', onSignal)
      try {
        const result = await runDevnet({
          miners,
          validators,
          rounds,
          task: opts.task,
          preset: opts.preset,
          sets: opts.set,
          dir: opts.dir,
          fresh: Boolean(opts.fresh),
          windowTimeoutMs: windowTimeout * 1000,
          chaos,
          adversaries,
          minerBackends,
          minerWorkers,
          browserMiners,
          browserBackend: opts.browserBackend,
          ...(opts.serve || browserMiners > 0
            ? { page: { onPage: (url: string) => (opts.json ? undefined : show(`web miner page: ${url}`)) } }
            : {}),
          metrics: Boolean(opts.metrics),
          faultyValidators: opts.faultyValidator,
          logger,
          signal: stop.signal,
          onRound: opts.json ? undefined : (s, ms) => show(renderRound(s, ms)),
          onStatus: view
            ? (line) => view.status(line)
            : tty
              ? (line) => process.stdout.write(`\r\x1b[2K${line.slice(0, (process.stdout.columns || 120) - 1)}`)
              : undefined,
          onDir: view ? (dir) => view.logTo(join(dir, 'devnet.log')) : undefined,
          serve: opts.serve
            ? {
                signal: stop.signal,
                onReady: (r, addrs) => {
                  const ready = { ready: true, ...r, ipfs: addrs }
                  if (opts.json) printJson(ready)
                  else
                    show(
                      `devnet serving: chain ${r.chainUrl}, netuid ${r.netuid}, IPFS ${addrs.join(' ')}; Ctrl-C stops it`,
                    )
                },
              }
            : undefined,
        })
        view?.end()
        if (opts.json) printJson(result)
        else
          say(
            (tty && !view ? '\r\x1b[2K' : '') +
              `${result.rounds.length} rounds settled in ${(result.elapsedMs / 1000).toFixed(1)} s; files in ${result.dir}` +
              `; ${claimLine(result.rounds)}` +
              (result.minerBusyFraction !== undefined
                ? `; miners trained ${(100 * result.minerBusyFraction).toFixed(0)} % of the time`
                : '') +
              (result.report ? `; report ${result.report}` : ''),
          )
      } finally {
        view?.end()
        process.off('SIGINT', onSignal)
        process.off('SIGTERM', onSignal)
      }
    })
}

function count(flag: string, value: string, min: number): number {
  const n = Number(value)
  if (!Number.isSafeInteger(n) || n < min) throw new UsageError(`${flag} must be an integer ≥ ${min}, got "${value}".`)
  return n
}

function claimLine(rounds: DevnetResult['rounds']): string {
  const { claimed, rewards } = claimCount(rounds)
  return `${claimed} of ${rewards} rewards claimed`
}
