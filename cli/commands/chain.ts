import type { Command } from 'commander'
import { DEV_ACCOUNT_NAMES, devAddresses, startDevchain } from '../../chain/index.ts'
import { UsageError } from '../../shared/errors/index.ts'
import { cliLogger, printJson, say } from '../output.ts'

/** Parses a CLI integer flag, or throws a usage error naming it. */
export function intFlag(name: string, value: string, min: number, max: number): number {
  const n = Number(value)
  if (!/^\d+$/.test(value) || n < min || n > max)
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, got "${value}".`)
  return n
}

/** `crowdtrain chain start`: the embedded dev chain as a ws server until SIGINT / SIGTERM. */
export function registerChain(program: Command): void {
  const chain = program
    .command('chain')
    .description('The embedded dev chain (Chopsticks running a real Substrate runtime).')
  chain
    .command('start')
    .description('Serve the dev chain on 127.0.0.1 until interrupted.')
    .option('--port <port>', 'ws port (0 picks a free one)', '9944')
    .option('--db <file>', 'sqlite file: state persists there and a restart resumes from it')
    .option('--block-ms <ms>', 'build a block every MS milliseconds instead of one per transaction')
    .option('--json', 'print the ready line as one JSON object')
    .option('--log-level <level>', 'debug|info|warn|error|silent')
    .action(async (opts: { port: string; db?: string; blockMs?: string; json?: boolean; logLevel?: string }) => {
      const port = intFlag('port', opts.port, 0, 65535)
      const blockMs = opts.blockMs === undefined ? undefined : intFlag('block-ms', opts.blockMs, 50, 3_600_000)
      const logger = cliLogger(opts)
      const devchain = await startDevchain({
        port,
        db: opts.db,
        logger,
        clock: blockMs ? { mode: 'interval', ms: blockMs } : { mode: 'instant' },
      })
      const addresses = await devAddresses()
      const accounts = Object.fromEntries(DEV_ACCOUNT_NAMES.map((n, i) => [n, addresses[i]]))
      if (opts.json)
        printJson({
          url: devchain.url,
          port: devchain.port,
          db: opts.db ?? null,
          resumed: devchain.resumed,
          head: devchain.head(),
          accounts,
        })
      else
        say(
          `chain ready at ${devchain.url} (head #${devchain.head()}${opts.db ? `, db ${opts.db}` : ''}${devchain.resumed ? ', resumed' : ''}); Ctrl-C stops it`,
        )
      await new Promise<void>((resolve) => {
        const onSignal = () => {
          process.off('SIGINT', onSignal)
          process.off('SIGTERM', onSignal)
          resolve()
        }
        process.on('SIGINT', onSignal)
        process.on('SIGTERM', onSignal)
      })
      await devchain.stop()
      if (!opts.json) say('chain stopped')
    })
}
