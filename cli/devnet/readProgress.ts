import { readFileSync } from 'node:fs'
import { logTail } from './ChildProcesses.ts'

/** A participant's progress as its log last reported it. */
export type Progress = { round: number; step?: number; steps?: number; loss?: number; phase?: string }

/**
 * The newest progress in a participant's JSON-lines log (docs/network.md, devnet precisions): a
 * `{ round, step, steps }` training record, else the newest record naming a round (its message is
 * the phase: `training`, `delta committed`...), or null. Logs are hints here: odd lines are skipped.
 */
export function readProgress(logFile: string): Progress | null {
  let phase: Progress | null = null
  for (const line of logTail(logFile, 50).split('\n').reverse()) {
    if (!line.startsWith('{')) continue
    let r: Record<string, unknown>
    try {
      r = JSON.parse(line) as Record<string, unknown>
    } catch {
      continue // a line cut by the tail window
    }
    const { round, step, steps, loss, msg } = r
    if (typeof round !== 'number') continue
    if (typeof step === 'number' && typeof steps === 'number' && steps > 0) {
      return { round, step, steps, ...(typeof loss === 'number' && Number.isFinite(loss) ? { loss } : {}) }
    }
    phase ??= { round, ...(typeof msg === 'string' ? { phase: msg.slice(0, 40) } : {}) }
  }
  return phase
}

/** Progress as `r2 12/30 loss 2.91` or `r2 delta committed`. */
export function formatProgress(p: Progress): string {
  if (p.step === undefined || p.steps === undefined) return `r${p.round} ${p.phase ?? ''}`.trimEnd()
  return `r${p.round} ${p.step}/${p.steps}${p.loss !== undefined ? ` loss ${p.loss.toFixed(3)}` : ''}`
}

/** What a miner fetched to get a round's base checkpoint (its `training` log record). */
export type BaseDownload = { bytes: number; from: 'held' | 'deltas' | 'download'; reason?: string }

// A devnet miner's whole log is a few MB at most; a larger one is read no further than this.
const MAX_LOG_BYTES = 64 << 20

/**
 * The JSON records of a participant's log whose line passes `keep` (a cheap text test before
 * parsing), in order; null when the log cannot be read. `from: 'end'` reads the last MAX_LOG_BYTES,
 * `'start'` the first. Logs are hints here: unparsable lines are skipped.
 */
function logRecords(
  logFile: string,
  keep: (line: string) => boolean,
  from: 'start' | 'end' = 'end',
): Record<string, unknown>[] | null {
  let text: string
  try {
    const all = readFileSync(logFile, 'utf8')
    text = from === 'end' ? all.slice(-MAX_LOG_BYTES) : all.slice(0, MAX_LOG_BYTES)
  } catch {
    return null
  }
  const out: Record<string, unknown>[] = []
  for (const line of text.split('\n')) {
    if (!keep(line)) continue
    let r: unknown
    try {
      r = JSON.parse(line)
    } catch {
      continue // a line cut while it was written
    }
    if (r !== null && typeof r === 'object' && !Array.isArray(r)) out.push(r as Record<string, unknown>)
  }
  return out
}

/**
 * Per round, what a miner's log says it downloaded for the round's base: the accepted deltas of the
 * round before (`deltas`), nothing (`held`), or the whole checkpoint (`download`, with the reason).
 * Logs are hints here: unreadable or odd lines are skipped.
 */
export function readBaseDownloads(logFile: string): Map<number, BaseDownload> {
  const out = new Map<number, BaseDownload>()
  for (const r of logRecords(logFile, (line) => line.includes('"baseFrom"')) ?? []) {
    const { round, downloadBytes, baseFrom, downloadReason } = r
    if (typeof round !== 'number' || typeof downloadBytes !== 'number') continue
    if (baseFrom !== 'held' && baseFrom !== 'deltas' && baseFrom !== 'download') continue
    out.set(round, {
      bytes: downloadBytes,
      from: baseFrom,
      ...(typeof downloadReason === 'string' ? { reason: downloadReason.slice(0, 300) } : {}),
    })
  }
  return out
}

/**
 * Per round, the inner steps before which a pipelined miner moved onto the newly settled checkpoint
 * (`rebasedAt` of its `delta stored` record); rounds without one are absent. Logs are hints here.
 */
export function readRebases(logFile: string): Map<number, number[]> {
  const out = new Map<number, number[]>()
  for (const r of logRecords(logFile, (line) => line.includes('"rebasedAt"')) ?? []) {
    const { round, rebasedAt, msg } = r
    if (msg !== 'delta stored' || typeof round !== 'number' || !Array.isArray(rebasedAt)) continue
    const steps = rebasedAt.filter((x): x is number => Number.isSafeInteger(x) && x >= 0)
    if (steps.length > 0) out.set(round, steps)
  }
  return out
}

/** How busy a miner was, from its log (issue 12): training seconds over wall seconds. */
export type MinerBusy = {
  /** Seconds spent making deltas (training and compression), summed over its rounds. */
  trainSeconds: number
  /** Seconds from the start of its first training to its last commit. */
  wallSeconds: number
  /** trainSeconds ÷ wallSeconds, 0..1 (0 when it committed nothing). */
  busyFraction: number
}

/**
 * A miner's busy fraction from its log: the `delta stored` records (`trainSeconds`, and the time
 * each training ended) and the last `delta committed` record. Null when the log has no commit.
 */
export function readMinerBusy(logFile: string): MinerBusy | null {
  const records = logRecords(logFile, (line) => line.includes('"delta stored"') || line.includes('"delta committed"'))
  if (!records) return null
  const stored: { at: number; seconds: number }[] = []
  let lastCommit: number | undefined
  for (const r of records) {
    if (typeof r.time !== 'number') continue
    if (r.msg === 'delta stored' && typeof r.trainSeconds === 'number' && r.trainSeconds >= 0)
      stored.push({ at: r.time, seconds: r.trainSeconds })
    if (r.msg === 'delta committed') lastCommit = Math.max(lastCommit ?? r.time, r.time)
  }
  // A round trained ahead (pipelined) but never committed is outside the measured span.
  const counted = stored.filter((x) => lastCommit !== undefined && x.at <= lastCommit)
  const trainSeconds = counted.reduce((sum, x) => sum + x.seconds, 0)
  const firstStart = counted.length ? Math.min(...counted.map((x) => x.at - x.seconds * 1000)) : undefined
  if (firstStart === undefined || lastCommit === undefined || lastCommit <= firstStart) return null
  const wallSeconds = (lastCommit - firstStart) / 1000
  return { trainSeconds, wallSeconds, busyFraction: Math.min(1, trainSeconds / wallSeconds) }
}

/** What a participant computed on (issue 13), from its log's `compute backend ready` and `compute threads` records. */
export type ParticipantCompute = { backend: string; adapter?: string; workers?: number; metrics?: string }

/** A participant's backend, GPU adapter, worker threads and metrics URL from its log; null when it never started a backend. */
export function readCompute(logFile: string): ParticipantCompute | null {
  const records = logRecords(
    logFile,
    (line) => /"(compute backend ready|compute threads|metrics served)"/.test(line),
    'start',
  )
  if (!records) return null
  let out: ParticipantCompute | null = null
  let workers: number | undefined
  let metrics: string | undefined
  for (const r of records) {
    if (r.msg === 'compute threads' && typeof r.workers === 'number' && Number.isInteger(r.workers)) workers = r.workers
    if (r.msg === 'metrics served' && typeof r.url === 'string' && /^http:\/\/127\.0\.0\.1:\d+\/metrics$/.test(r.url))
      metrics = r.url
    if (r.msg === 'compute backend ready' && typeof r.backend === 'string' && /^[a-z0-9-]{1,32}$/.test(r.backend))
      out = { backend: r.backend, ...(typeof r.adapter === 'string' ? { adapter: r.adapter.slice(0, 200) } : {}) }
  }
  if (!out) return null
  return { ...out, ...(workers !== undefined ? { workers } : {}), ...(metrics ? { metrics } : {}) }
}
