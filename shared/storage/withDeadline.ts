import { FetchTimeoutError, StorageAbortedError } from './errors.ts'

/** A signal that fires on the caller's abort or after `timeoutMs`, and a way to release its timer. */
export type Deadline = { signal: AbortSignal; clear: () => void }

/** Combines the caller's signal with an optional time limit into one signal. */
export function deadline(opts: { signal?: AbortSignal; timeoutMs?: number }): Deadline {
  const signals: AbortSignal[] = []
  if (opts.signal) signals.push(opts.signal)
  let timer: NodeJS.Timeout | undefined
  const controller = new AbortController()
  if (opts.timeoutMs !== undefined) {
    timer = setTimeout(() => controller.abort(new TimeoutMarker()), opts.timeoutMs)
    signals.push(controller.signal)
  }
  return { signal: AbortSignal.any(signals), clear: () => clearTimeout(timer) }
}

/** The reason a deadline's own timer aborts with, told apart from the caller's abort. */
class TimeoutMarker extends Error {
  override name = 'TimeoutError'
}

/**
 * Runs `fn` under a deadline and turns an abort into a typed error: `FetchTimeoutError` when the time limit
 * fired, `StorageAbortedError` when the caller aborted. Other errors pass through.
 */
export async function withDeadline<T>(
  what: { operation: string; target: string },
  opts: { signal?: AbortSignal; timeoutMs?: number },
  fn: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  if (opts.signal?.aborted) throw new StorageAbortedError(what.operation, what.target, opts.signal.reason)
  const d = deadline(opts)
  try {
    return await fn(d.signal)
  } catch (err) {
    if (d.signal.aborted) {
      if (d.signal.reason instanceof TimeoutMarker) throw new FetchTimeoutError(what.target, opts.timeoutMs ?? 0, err)
      throw new StorageAbortedError(what.operation, what.target, err)
    }
    throw err
  } finally {
    d.clear()
  }
}
