import { type ChildProcess, spawn } from 'node:child_process'
import { closeSync, mkdirSync, openSync, readSync, statSync } from 'node:fs'
import { setPriority } from 'node:os'
import { dirname } from 'node:path'
import type { Logger } from '../../shared/logger/index.ts'

/** How to start one participant. */
export type ChildSpec = {
  /** `miner-0`, `validator-1`... */
  name: string
  /** Arguments after the node binary, e.g. `[bin/crowdtrain.js, 'miner', 'run', ...]`. */
  args: string[]
  /** stdout and stderr are appended here (JSON lines from the child's logger). */
  logFile: string
  env?: Record<string, string>
  /** A scheduling priority (Unix nice value, 0–19) to lower the child to; default: the devnet's own. */
  niceness?: number
}

/** Why a child ended. */
export type ChildExit = {
  name: string
  code: number | null
  signal: NodeJS.Signals | null
  expected: boolean
  /** Why, when it is no process (a browser miner's tab). */
  reason?: string
}

/** Starts, watches, kills and restarts the devnet's participant processes. */
export class ChildProcesses {
  private readonly running = new Map<string, { proc: ChildProcess; spec: ChildSpec; exited: Promise<void> }>()
  private readonly expectedExit = new Set<string>()
  /** Specs of children stopped on purpose (chaos), so they can be started again. */
  private readonly stopped = new Map<string, ChildSpec>()
  private readonly paused = new Set<string>()
  private readonly logger: Logger
  private readonly onExit: (exit: ChildExit) => void

  constructor(logger: Logger, onExit: (exit: ChildExit) => void) {
    this.logger = logger
    this.onExit = onExit
  }

  /** Spawns `spec` with node itself (`process.execPath`); its output goes to its log file. */
  start(spec: ChildSpec): void {
    mkdirSync(dirname(spec.logFile), { recursive: true })
    const fd = openSync(spec.logFile, 'a')
    const proc = spawn(process.execPath, spec.args, {
      stdio: ['ignore', fd, fd],
      env: { ...process.env, ...spec.env },
    })
    closeSync(fd)
    if (spec.niceness !== undefined && proc.pid !== undefined) {
      try {
        setPriority(proc.pid, spec.niceness)
      } catch (err) {
        this.logger.warn('could not lower the priority of a participant', { name: spec.name, reason: String(err) })
      }
    }
    const exited = new Promise<void>((resolve) => {
      proc.once('exit', (code, signal) => {
        this.running.delete(spec.name)
        const expected = this.expectedExit.delete(spec.name)
        this.logger.info('participant exited', { name: spec.name, code, signal, expected })
        this.onExit({ name: spec.name, code, signal, expected })
        resolve()
      })
    })
    proc.once('error', (err) => this.logger.error('participant failed to start', { name: spec.name, err }))
    this.running.set(spec.name, { proc, spec, exited })
    this.logger.info('participant started', { name: spec.name, pid: proc.pid, log: spec.logFile })
  }

  /** True while the named child runs (a paused one does not). */
  isRunning(name: string): boolean {
    return this.running.has(name) && !this.paused.has(name)
  }

  /** Kills a child with SIGKILL on purpose (an expected exit); `startAgain` brings it back. */
  async kill(name: string): Promise<void> {
    const child = this.running.get(name)
    if (!child) return
    this.expectedExit.add(name)
    this.stopped.set(name, child.spec)
    this.paused.delete(name)
    child.proc.kill('SIGKILL')
    await child.exited
  }

  /** Starts a child killed by `kill` again with the same command. */
  startAgain(name: string): void {
    const spec = this.stopped.get(name)
    if (!spec || this.running.has(name)) return
    this.stopped.delete(name)
    this.start(spec)
  }

  /** Freezes a child (SIGSTOP): a slow or hung participant. */
  pause(name: string): void {
    const child = this.running.get(name)
    if (!child || this.paused.has(name)) return
    this.paused.add(name)
    child.proc.kill('SIGSTOP')
  }

  /** Lets a paused child go on (SIGCONT). */
  resume(name: string): void {
    const child = this.running.get(name)
    if (!child || !this.paused.delete(name)) return
    child.proc.kill('SIGCONT')
  }

  /** Kills a child with SIGKILL (a crash, as chaos wants it) and starts it again with the same spec. */
  async restart(name: string): Promise<void> {
    const child = this.running.get(name)
    if (!child) return
    this.expectedExit.add(name)
    child.proc.kill('SIGKILL')
    await child.exited
    this.start(child.spec)
  }

  /** Stops every child: SIGTERM, then SIGKILL after `graceMs`. Safe to call twice. */
  async stopAll(graceMs = 5000): Promise<void> {
    const children = [...this.running.values()]
    for (const c of children) {
      this.expectedExit.add(c.spec.name)
      if (this.paused.delete(c.spec.name)) c.proc.kill('SIGCONT')
      c.proc.kill('SIGTERM')
    }
    await Promise.all(
      children.map(async (c) => {
        let timer: NodeJS.Timeout | undefined
        const late = new Promise<'late'>((resolve) => {
          timer = setTimeout(() => resolve('late'), graceMs)
        })
        if ((await Promise.race([c.exited, late])) === 'late') {
          this.logger.warn('participant ignored SIGTERM; killing it', { name: c.spec.name })
          c.proc.kill('SIGKILL')
          await c.exited
        }
        clearTimeout(timer)
      }),
    )
  }
}

/** The last `lines` lines of a log file (at most the last 64 KiB are read), or '' when there is none. */
export function logTail(file: string, lines = 20): string {
  try {
    const size = statSync(file).size
    const fd = openSync(file, 'r')
    try {
      const len = Math.min(size, 64 * 1024)
      const buf = Buffer.alloc(len)
      readSync(fd, buf, 0, len, size - len)
      return buf.toString('utf8').split('\n').filter(Boolean).slice(-lines).join('\n')
    } finally {
      closeSync(fd)
    }
  } catch {
    return ''
  }
}
