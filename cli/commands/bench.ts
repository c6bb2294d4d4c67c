import { existsSync } from 'node:fs'
import type { Command } from 'commander'
import { UsageError } from '../../shared/errors/index.ts'
import type { Logger } from '../../shared/logger/index.ts'
import { cliLogger, printJson, say } from '../output.ts'

/** The benchmarks, each a module in cli/bench/ exporting `run(opts)`. */
export const BENCHES = ['train', 'codec', 'storage', 'chain', 'convergence', 'robustness'] as const

/** Flags only `bench convergence` reads (the others ignore them). */
type ConvergenceFlags = {
  preset?: string
  rounds?: string
  miners?: string
  seed?: string
  set?: string[]
  out?: string
  rebaseAt?: string
}
/** Flags only `bench robustness` reads. */
/** Flags only `bench train` reads. */
type TrainFlags = { workers?: string; backend?: string }
type RobustnessFlags = { validators?: string; adversary?: string[]; faultyValidator?: string[]; windowTimeout?: string }
type BenchModule = {
  run(
    opts: { json: boolean; logger: Logger } & ConvergenceFlags & RobustnessFlags & TrainFlags,
  ): Promise<Record<string, unknown>>
}

async function load(name: string): Promise<BenchModule> {
  const url = new URL(`../bench/${name}.ts`, import.meta.url)
  if (!existsSync(url)) throw new UsageError(`The "${name}" benchmark is not available in this build.`)
  return (await import(url.href)) as BenchModule
}

const collect = (value: string, previous: string[] = []) => [...previous, value]

function printReadable(name: string, result: Record<string, unknown>): void {
  say(`bench ${name}`)
  for (const [k, v] of Object.entries(result))
    say(`  ${k.padEnd(22)} ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
}

/** `crowdtrain bench [train|codec|storage|chain|all] [--json]`: speed figures measured in one run. */
export function registerBench(program: Command): void {
  program
    .command('bench')
    .description(`Measure speed: ${BENCHES.join(', ')} or all.`)
    .argument('[which]', `${BENCHES.join('|')}|all`, 'all')
    .option('--json', 'print the results as one JSON object on the last line')
    .option('--log-level <level>', 'debug|info|warn|error|silent')
    .option(
      '--preset <name>',
      'convergence, train: model and training preset (convergence: default laptop; tiny for a quick check)',
    )
    .option('--workers <n>', "train: worker threads of the data-parallel run (default: the machine's cores)")
    .option('--backend <name>', "train: compute backend (default: the config's, wasm)")
    .option('--rounds <n>', 'convergence: rounds of the network (default 10)')
    .option('--miners <n>', 'convergence: miners of the network (default 3)')
    .option('--seed <n>', 'convergence: model initialisation and data seed (default 1)')
    .option(
      '--rebase-at <step>',
      'convergence, pipelined rounds: inner step at which the newer checkpoint reaches the miners (default 40 % of H)',
    )
    .option(
      '--set <key=value>',
      'convergence: config override, repeatable (e.g. --set compress.density=1)',
      collect,
      [],
    )
    .option('--out <file>', 'convergence: write the loss-against-tokens chart (SVG in an HTML page) here')
    .option('--validators <n>', 'robustness: validators of each devnet (default 3)')
    .option('--adversary <kind>', 'robustness: an adversary kind, repeatable (default: every kind)', collect, [])
    .option('--faulty-validator <kinds>', 'robustness: a validator fault, repeatable (as devnet)', collect, [])
    .option('--window-timeout <s>', 'robustness: seconds the devnet clock waits for a window (default 180)')
    .action(
      async (
        which: string,
        opts: { json?: boolean; logLevel?: string } & ConvergenceFlags & RobustnessFlags & TrainFlags,
      ) => {
        // robustness runs two whole devnets: only when asked for by name.
        const names = which === 'all' ? BENCHES.filter((n) => n !== 'robustness') : [which]
        for (const n of names) {
          if (!(BENCHES as readonly string[]).includes(n))
            throw new UsageError(`Unknown benchmark "${n}".`, `Choose one of: ${BENCHES.join(', ')}, all.`)
        }
        const logger = cliLogger(opts)
        const results: Record<string, Record<string, unknown>> = {}
        for (const n of names) {
          const result = await (await load(n)).run({
            json: Boolean(opts.json),
            logger: logger.forComponent(`bench:${n}`),
            preset: opts.preset,
            rounds: opts.rounds,
            miners: opts.miners,
            seed: opts.seed,
            set: opts.set,
            out: opts.out,
            rebaseAt: opts.rebaseAt,
            validators: opts.validators,
            adversary: opts.adversary,
            faultyValidator: opts.faultyValidator,
            windowTimeout: opts.windowTimeout,
            workers: opts.workers,
            backend: opts.backend,
          })
          results[n] = result
          if (!opts.json) printReadable(n, result)
        }
        if (opts.json) printJson(names.length === 1 ? results[names[0]] : results)
      },
    )
}
