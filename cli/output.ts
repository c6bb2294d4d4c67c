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

const FILE_PROBLEMS: Record<string, { read: string; write: string }> = {
  ENOENT: { read: 'there is no such file', write: 'a folder above it does not exist' },
  EISDIR: { read: 'it is a folder, not a file', write: 'it is a folder, not a file' },
  EEXIST: { read: 'a file of that name is in the way', write: 'a file of that name is in the way' },
  ENOTDIR: { read: 'a file of that name is in the way', write: 'a file of that name is in the way' },
  EACCES: { read: 'this user may not read it', write: 'this user may not write there' },
  EPERM: { read: 'this user may not read it', write: 'this user may not write there' },
  EROFS: { read: 'the file system is read-only', write: 'the file system is read-only' },
  ENOSPC: { read: 'the disk is full', write: 'the disk is full' },
}

/** A file-system error as a reason a person can read (the errno's meaning, else its message). */
export function fileProblem(err: unknown, doing: 'read' | 'write'): string {
  return FILE_PROBLEMS[(err as NodeJS.ErrnoException).code ?? '']?.[doing] ?? (err as Error).message
}
