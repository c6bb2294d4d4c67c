import { appendFileSync } from 'node:fs'
import { jsonLine, type LogRecord, type LogSink, prettyLine } from '../../shared/logger/index.ts'

/** Where the view writes: a terminal's stdout and stderr (tests pass their own). */
export type TerminalStreams = {
  out: { write(s: string): unknown; columns?: number }
  err: { write(s: string): unknown }
}

const CLEAR = '\r\x1b[2K'

/**
 * The devnet's one live view on a terminal: round tables and warnings scroll above a status line
 * that is redrawn in place; info and debug log records go to a file in the run folder (JSON lines,
 * as without a terminal), never into the view. Records logged before the folder exists are kept
 * and written once it is known.
 */
export class TerminalView {
  readonly #streams: TerminalStreams
  #status = ''
  #file: string | undefined
  #pending: LogRecord[] = []

  constructor(streams: TerminalStreams = { out: process.stdout, err: process.stderr }) {
    this.#streams = streams
  }

  /** The logger's sink: warnings and errors above the status line, the rest to the log file. */
  readonly sink: LogSink = (record) => {
    if (record.level === 'warn' || record.level === 'error') {
      this.#above(() => this.#streams.err.write(`${prettyLine(record)}\n`))
      return
    }
    if (this.#file) appendFileSync(this.#file, `${jsonLine(record)}\n`)
    else this.#pending.push(record)
  }

  /** Sends the info log to `file` from now on (and what was logged before); says where, once. */
  logTo(file: string): void {
    this.#file = file
    const earlier = this.#pending
    this.#pending = []
    for (const r of earlier) appendFileSync(file, `${jsonLine(r)}\n`)
    this.print(`logs: ${file}`)
  }

  /** Lines that stay (a round's table, a closing line), above the status line. */
  print(text: string): void {
    this.#above(() => this.#streams.out.write(`${text}\n`))
  }

  /** Replaces the status line. */
  status(line: string): void {
    this.#status = line.slice(0, (this.#streams.out.columns || 120) - 1)
    this.#streams.out.write(`${CLEAR}${this.#status}`)
  }

  /** Clears the status line for good (before the command's last output). */
  end(): void {
    if (this.#status) this.#streams.out.write(CLEAR)
    this.#status = ''
  }

  #above(write: () => void): void {
    if (this.#status) this.#streams.out.write(CLEAR)
    write()
    if (this.#status) this.#streams.out.write(this.#status)
  }
}
