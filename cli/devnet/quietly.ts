/**
 * Chopsticks draws a "Fetching" spinner on a terminal's stdout, over the live table, unless TEST or
 * CI is set when it is first imported; set it for that moment only, so the children do not inherit it.
 */
export async function quietly<T>(start: () => Promise<T>): Promise<T> {
  const before = process.env.TEST
  process.env.TEST = before ?? '1'
  try {
    return await start()
  } finally {
    if (before === undefined) delete process.env.TEST
  }
}
