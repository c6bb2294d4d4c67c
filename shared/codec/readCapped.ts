import { CodecError, OversizeError, ReadAbortedError } from './errors.ts'

function concat(parts: Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total)
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}

function abortPromise(
  signal: AbortSignal | undefined,
  read: () => number,
): { promise: Promise<never>; dispose(): void } {
  if (!signal) return { promise: new Promise<never>(() => {}), dispose() {} }
  let onAbort = (): void => {}
  const promise = new Promise<never>((_, reject) => {
    onAbort = () => reject(new ReadAbortedError(read(), signal.reason))
    if (signal.aborted) onAbort()
    else signal.addEventListener('abort', onAbort, { once: true })
  })
  promise.catch(() => {})
  return { promise, dispose: () => signal.removeEventListener('abort', onAbort) }
}

/**
 * Collects a byte stream (or checks a buffer) without ever holding more than `maxBytes`: throws
 * `OversizeError` as soon as the total would pass the cap and stops the source, and
 * `ReadAbortedError` when `signal` aborts, even while the source is stalled.
 */
export async function readCapped(
  source: AsyncIterable<Uint8Array> | Uint8Array,
  maxBytes: number,
  signal?: AbortSignal,
): Promise<Uint8Array> {
  if (source instanceof Uint8Array) {
    if (signal?.aborted) throw new ReadAbortedError(0, signal.reason)
    if (source.length > maxBytes) throw new OversizeError(source.length, maxBytes)
    return source
  }
  const parts: Uint8Array[] = []
  let total = 0
  const aborted = abortPromise(signal, () => total)
  const iterator = source[Symbol.asyncIterator]()
  let done = false
  try {
    for (;;) {
      const next = await Promise.race([iterator.next(), aborted.promise])
      if (next.done) {
        done = true
        break
      }
      const chunk = next.value
      if (!(chunk instanceof Uint8Array))
        throw new CodecError('codec.bad-chunk', 'The byte source yielded something that is not bytes.')
      if (total + chunk.length > maxBytes) throw new OversizeError(total + chunk.length, maxBytes)
      parts.push(chunk)
      total += chunk.length
    }
  } finally {
    aborted.dispose()
    // Tell the source to stop (close the stream, cancel the fetch); a stalled return is not awaited.
    if (!done) void Promise.resolve(iterator.return?.()).catch(() => {})
  }
  return concat(parts, total)
}
