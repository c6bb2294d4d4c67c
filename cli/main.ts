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
    return exitCodeOf(err)
  }
}

function exitCodeOf(err: unknown): number {
  if (err instanceof CliExit) return err.code
  if (err instanceof CommanderError) {
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.exitCode === 0) return 0
    return 2
  }
  if (err instanceof UsageError) {
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
