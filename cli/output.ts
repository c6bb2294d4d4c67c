import { UsageError } from '../shared/errors/index.ts'
import { createLogger, LOG_LEVELS, type Logger, type LogLevel } from '../shared/logger/index.ts'

/** Thrown by a command to end with a given exit code after it has printed its own message. */
export class CliExit extends Error {
  readonly code: number
  constructor(code: number) {
    super(`exit ${code}`)
    this.code = code
  }
}

/** Prints one JSON object as the last line of stdout (BigInts as strings). */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))}\n`)
}

/** Prints a line for a person. */
export function say(line = ''): void {
  process.stdout.write(`${line}\n`)
}

/** The CLI's logger: quiet by default with --json so stdout stays machine-readable. */
export function cliLogger(opts: { json?: boolean; logLevel?: string }): Logger {
  if (opts.logLevel !== undefined && !(LOG_LEVELS as readonly string[]).includes(opts.logLevel))
    throw new UsageError(`--log-level must be one of ${LOG_LEVELS.join(', ')}, got "${opts.logLevel}".`)
  const level = (opts.logLevel ?? (opts.json ? 'warn' : 'info')) as LogLevel
  return createLogger({ level })
}

/** Renders rows as an aligned text table. */
export function table(headers: string[], rows: (string | number)[][]): string {
  const cells = [headers, ...rows.map((r) => r.map(String))]
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)))
  return cells
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i]))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')
}
