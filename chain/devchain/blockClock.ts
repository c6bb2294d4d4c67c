import type { BuildBlockMode } from '@acala-network/chopsticks-core'
import type { Logger } from '../../shared/logger/index.ts'

/**
 * How the dev chain makes blocks:
 * - `instant`: a block for every submitted transaction (fastest for scripts and tests);
 * - `interval`: a block every `ms`, empty or not, like a real chain;
 * - `manual`: only when `advance(n)` or `newBlock(n)` is called, e.g. by a devnet that waits until
 *   every participant has done its part of the current window before moving the clock on.
 */
export type ClockMode = { mode: 'instant' } | { mode: 'interval'; ms: number } | { mode: 'manual' }

/** The block clock of a running dev chain. */
export type BlockClock = {
  /** The current mode. */
  readonly mode: ClockMode
  /** Switches mode (stops or starts the interval timer). */
  setMode(mode: ClockMode): void
  /** Builds `n` blocks now (pending transactions go in the first); resolves with the new head number. */
  advance(n?: number): Promise<number>
  /** Stops the interval timer; safe to call twice. */
  stop(): void
}

/** What the clock drives: the Chopsticks chain, reduced to the parts it uses. */
export type ClockChain = {
  newBlock(): Promise<{ number: number }>
  txPool: { mode: BuildBlockMode }
}

/** Creates the clock; blocks are built one at a time (interval ticks and `advance` share a queue). */
export function createBlockClock(chain: ClockChain, initial: ClockMode, logger: Logger): BlockClock {
  let mode: ClockMode = initial
  let timer: NodeJS.Timeout | undefined
  let queue: Promise<unknown> = Promise.resolve()
  let stopped = false

  const buildOne = (): Promise<number> => {
    const next = queue.then(async () => (await chain.newBlock()).number)
    queue = next.catch(() => undefined)
    return next
  }
  const apply = (m: ClockMode) => {
    if (timer) clearInterval(timer)
    timer = undefined
    // String values of Chopsticks' BuildBlockMode: importing the enum would load its logger early.
    chain.txPool.mode = (m.mode === 'instant' ? 'Instant' : 'Manual') as BuildBlockMode
    if (m.mode === 'interval' && !stopped) {
      // A tick is skipped while the previous block is still being built, so blocks never pile up.
      let busy = false
      timer = setInterval(() => {
        if (busy) return
        busy = true
        buildOne()
          .catch((err) => logger.warn('block build failed', { err: String(err) }))
          .finally(() => {
            busy = false
          })
      }, m.ms)
      timer.unref()
    }
  }
  apply(mode)

  return {
    get mode() {
      return mode
    },
    setMode(m) {
      mode = m
      apply(m)
    },
    async advance(n = 1) {
      let head = 0
      for (let i = 0; i < n; i++) head = await buildOne()
      return head
    },
    stop() {
      stopped = true
      if (timer) clearInterval(timer)
      timer = undefined
    },
  }
}
