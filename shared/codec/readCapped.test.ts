import { describe, expect, test } from 'vitest'
import { OversizeError, ReadAbortedError } from './errors.ts'
import { readCapped } from './readCapped.ts'

async function* chunks(sizes: number[], stallAfter = Number.POSITIVE_INFINITY): AsyncGenerator<Uint8Array> {
  let n = 0
  for (const s of sizes) {
    if (n++ >= stallAfter) await new Promise(() => {})
    yield new Uint8Array(s).fill(n)
  }
}

describe('readCapped', () => {
  test('default', async () => {
    const out = await readCapped(chunks([3, 0, 4]), 7)
    expect([...out]).toEqual([1, 1, 1, 3, 3, 3, 3])
    const buf = new Uint8Array(5)
    expect(await readCapped(buf, 5)).toBe(buf)
  })

  test('error: stops at the first chunk past the cap and closes the source', async () => {
    let pulled = 0
    let closed = false
    async function* endless(): AsyncGenerator<Uint8Array> {
      try {
        for (;;) {
          pulled++
          yield new Uint8Array(1000)
        }
      } finally {
        closed = true
      }
    }
    await expect(readCapped(endless(), 2500)).rejects.toThrow(OversizeError)
    expect(pulled).toBe(3)
    expect(closed).toBe(true)
    await expect(readCapped(new Uint8Array(10), 9)).rejects.toThrow(OversizeError)
  })

  test('error: an abort ends a stalled read', async () => {
    const controller = new AbortController()
    const read = readCapped(chunks([2, 2, 2], 1), 100, controller.signal)
    setTimeout(() => controller.abort(new Error('timeout')), 20)
    await expect(read).rejects.toThrow(ReadAbortedError)
    await expect(readCapped(new Uint8Array(1), 9, AbortSignal.abort())).rejects.toThrow(ReadAbortedError)
  })
})
