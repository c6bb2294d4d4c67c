/**
 * Waits for `promise` to settle, but at most `ms` milliseconds; resolves true when it settled in time.
 * Services use it on stop so that one step that ignores its abort signal cannot hang a shutdown.
 */
export async function waitAtMost(promise: Promise<unknown> | undefined, ms: number): Promise<boolean> {
  if (!promise) return true
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms)
    timer.unref()
  })
  try {
    return await Promise.race([
      promise.then(
        () => true,
        () => true,
      ),
      timeout,
    ])
  } finally {
    clearTimeout(timer)
  }
}
