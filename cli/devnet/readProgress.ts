import { logTail } from './ChildProcesses.ts'

/** A miner's training progress as its log last reported it. */
export type Progress = { round: number; step: number; steps: number; loss?: number }

/**
 * The newest `{ round, step, steps }` record in a participant's JSON-lines log (docs/network.md,
 * devnet precisions), or null. Lines that are not such records are skipped: logs are hints here.
 */
export function readProgress(logFile: string): Progress | null {
  const lines = logTail(logFile, 50).split('\n').reverse()
  for (const line of lines) {
    if (!line.startsWith('{')) continue
    try {
      const r = JSON.parse(line) as Record<string, unknown>
      const { round, step, steps, loss } = r
      if (typeof round === 'number' && typeof step === 'number' && typeof steps === 'number' && steps > 0) {
        return { round, step, steps, ...(typeof loss === 'number' && Number.isFinite(loss) ? { loss } : {}) }
      }
    } catch {
      // A line cut by the 64 KiB tail window, or not JSON: skip it.
    }
  }
  return null
}

/** Progress as `r2 12/30 loss 2.91`. */
export function formatProgress(p: Progress): string {
  return `r${p.round} ${p.step}/${p.steps}${p.loss !== undefined ? ` loss ${p.loss.toFixed(3)}` : ''}`
}
