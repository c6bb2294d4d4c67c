import { Command, CommanderError } from 'commander'
import { BaseError, describeError, UsageError } from '../shared/errors/index.ts'
import { registerCommands } from './commands/index.ts'
import { CliExit } from './output.ts'

/** Runs the CLI on `argv` (without node and script) and returns the exit code: 0 ok, 1 failure, 2 usage. */
export async function main(argv: string[]): Promise<number> {
  const program = new Command('crowdtrain')
    .description('A crowdsourced training network: miners train model shards, validators score, a chain settles.')
    .version('0.1.0')
    .showHelpAfterError()
    .exitOverride()
  registerCommands(program)
  try {
    await program.parseAsync(argv, { from: 'user' })
    return 0
  } catch (err) {
    const code = exitCodeOf(err)
    // With --json, a failure is one JSON object too, the last line on stdout, for scripts.
    if (code !== 0 && argv.includes('--json') && !(err instanceof CliExit)) printErrorJson(err)
    return code
  }
}

/**
 * Errors from what the user typed or wrote as settings — an unknown preset or config key, a value
 * out of range — are usage mistakes (exit 2), like a bad flag.
 */
const USAGE_CODES = new Set(['usage', 'config.unknown-preset', 'config.unknown-key', 'config.invalid-value'])

function printErrorJson(err: unknown): void {
  const error =
    err instanceof BaseError
      ? { code: err.code, message: err.shortMessage, hint: err.details ?? null }
      : err instanceof CommanderError
        ? { code: 'usage', message: err.message.replace(/^error: /, ''), hint: null }
        : { code: 'unexpected', message: describeError(err), hint: null }
  process.stdout.write(`${JSON.stringify({ error })}\n`)
}

/** `--train.lr=0.002` is a config key written as a flag: say how overrides are given. */
function configFlagHint(err: CommanderError): string | undefined {
  if (err.code !== 'commander.unknownOption') return undefined
  const m = /'--([a-zA-Z]+\.[a-zA-Z.]+)(?:=(.*))?'/.exec(err.message)
  if (!m) return undefined
  return `hint: config overrides are given with --set: --set ${m[1]}=${m[2] ?? 'VALUE'} (devnet, bench convergence)`
}

function exitCodeOf(err: unknown): number {
  if (err instanceof CliExit) return err.code
  if (err instanceof CommanderError) {
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.exitCode === 0) return 0
    const hint = configFlagHint(err)
    if (hint) process.stderr.write(`${hint}\n`)
    return 2
  }
  if (err instanceof UsageError || (err instanceof BaseError && USAGE_CODES.has(err.code))) {
    process.stderr.write(`error: ${describeError(err)}\n`)
    return 2
  }
  if (err instanceof BaseError) {
    process.stderr.write(`error: ${err.shortMessage}\n${err.details ? `  ${err.details}\n` : ''}`)
    return 1
  }
  process.stderr.write(`error: unexpected failure: ${describeError(err)}\n`)
  if (process.env.CROWDTRAIN_DEBUG && err instanceof Error) process.stderr.write(`${err.stack}\n`)
  return 1
}
