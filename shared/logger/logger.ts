/** Severity levels, lowest first. */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const
export type LogLevel = (typeof LOG_LEVELS)[number]

/** Structured fields attached to a log line. Never put secrets here. */
export type LogFields = Record<string, unknown>

/** What a component is handed: leveled methods and a way to name sub-components. */
export interface Logger {
  readonly component: string
  debug(msg: string, fields?: LogFields): void
  info(msg: string, fields?: LogFields): void
  warn(msg: string, fields?: LogFields): void
  error(msg: string, fields?: LogFields): void
  /** A logger for a sub-component, e.g. `logger.forComponent('miner:train')`. */
  forComponent(name: string): Logger
}

/** One emitted line, as given to a sink. */
export type LogRecord = { time: number; level: Exclude<LogLevel, 'silent'>; component: string; msg: string } & LogFields

/** Where log records go. */
export type LogSink = (record: LogRecord) => void

export type CreateLoggerParameters = {
  level?: LogLevel
  /** Defaults to JSON lines on stderr, or short human lines when stderr is a terminal. */
  sink?: LogSink
  component?: string
}

/** Field names whose values are replaced before a record leaves the process. */
const SECRET_KEYS = /pass(word|phrase)?|secret|seed|mnemonic|private|suri/i

function redact(fields: LogFields | undefined): LogFields {
  if (!fields) return {}
  const out: LogFields = {}
  for (const [k, v] of Object.entries(fields)) out[k] = SECRET_KEYS.test(k) ? '[redacted]' : v
  return out
}

function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString()
  if (value instanceof Error) return { name: value.name, message: value.message }
  return value
}

/** A record as one JSON line (no newline): BigInts as strings, errors as name and message. */
export function jsonLine(record: LogRecord): string {
  return JSON.stringify(record, jsonReplacer)
}

/** A record as a short line for a person (no newline). */
export function prettyLine(record: LogRecord): string {
  const { time, level, component, msg, ...rest } = record
  const extra = Object.keys(rest).length > 0 ? ` ${JSON.stringify(rest, jsonReplacer)}` : ''
  const t = new Date(time).toISOString().slice(11, 23)
  return `${t} ${level.padEnd(5)} ${component}: ${msg}${extra}`
}

/** JSON lines on stderr. */
export const jsonSink: LogSink = (record) => {
  process.stderr.write(`${jsonLine(record)}\n`)
}

/** Short lines for a person at a terminal. */
export const prettySink: LogSink = (record) => {
  process.stderr.write(`${prettyLine(record)}\n`)
}

/** A logger writing records at or above `level` to `sink`. */
export function createLogger(params: CreateLoggerParameters = {}): Logger {
  const level = params.level ?? 'info'
  const sink = params.sink ?? (process.stderr.isTTY ? prettySink : jsonSink)
  const min = LOG_LEVELS.indexOf(level)
  const component = params.component ?? 'crowdtrain'
  const emit = (lvl: Exclude<LogLevel, 'silent'>) => (msg: string, fields?: LogFields) => {
    if (LOG_LEVELS.indexOf(lvl) < min) return
    sink({ ...redact(fields), time: Date.now(), level: lvl, component, msg })
  }
  return {
    component,
    debug: emit('debug'),
    info: emit('info'),
    warn: emit('warn'),
    error: emit('error'),
    forComponent: (name) => createLogger({ level, sink, component: name }),
  }
}

/** A logger that drops everything (tests, libraries used quietly). */
export const silentLogger: Logger = createLogger({ level: 'silent', sink: () => {} })

/** A logger that keeps records in memory, for tests that assert what was logged. */
export function memoryLogger(level: LogLevel = 'debug'): Logger & { records: LogRecord[] } {
  const records: LogRecord[] = []
  return Object.assign(createLogger({ level, sink: (r) => records.push(r) }), { records })
}
