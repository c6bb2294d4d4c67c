import { describe, expect, it } from 'vitest'
import { silentLogger } from '../../shared/logger/index.ts'
import { type ClockChain, createBlockClock } from './blockClock.ts'

function fakeChain(buildMs = 5): ClockChain & { built: number; concurrent: number; maxConcurrent: number } {
  const chain = {
    built: 0,
    concurrent: 0,
    maxConcurrent: 0,
    txPool: { mode: 'Instant' as never },
    async newBlock() {
      chain.concurrent++
      chain.maxConcurrent = Math.max(chain.maxConcurrent, chain.concurrent)
      await new Promise((r) => setTimeout(r, buildMs))
      chain.concurrent--
      return { number: ++chain.built }
    },
  }
  return chain
}

describe('createBlockClock', () => {
  it('default: instant mode lets the chain build per transaction and builds nothing itself', async () => {
    const chain = fakeChain()
    const clock = createBlockClock(chain, { mode: 'instant' }, silentLogger)
    await new Promise((r) => setTimeout(r, 30))
    expect(chain.txPool.mode).toBe('Instant')
    expect(chain.built).toBe(0)
    clock.stop()
  })

  it('behavior: manual mode builds exactly the blocks asked for, one at a time', async () => {
    const chain = fakeChain()
    const clock = createBlockClock(chain, { mode: 'manual' }, silentLogger)
    expect(chain.txPool.mode).toBe('Manual')
    const [a, b] = await Promise.all([clock.advance(3), clock.advance(2)])
    expect(chain.built).toBe(5)
    expect(Math.max(a, b)).toBe(5)
    expect(chain.maxConcurrent).toBe(1)
    clock.stop()
  })

  it('behavior: interval mode builds blocks until stopped', async () => {
    const chain = fakeChain(1)
    const clock = createBlockClock(chain, { mode: 'interval', ms: 10 }, silentLogger)
    await new Promise((r) => setTimeout(r, 120))
    clock.stop()
    // A block already being built when the clock stops still completes.
    await new Promise((r) => setTimeout(r, 20))
    const built = chain.built
    expect(built).toBeGreaterThan(2)
    await new Promise((r) => setTimeout(r, 60))
    expect(chain.built).toBe(built)
  })
})
