import { describe, expect, test } from 'vitest'
import { ContentTooLargeError, InvalidContentError } from './errors.ts'
import { readCapped } from './readCapped.ts'

/** A stream of `count` chunks of `size` bytes that records how many chunks were pulled. */
function chunks(count: number, size: number) {
  const state = { pulled: 0 }
  async function* gen() {
    for (let i = 0; i < count; i++) {
      state.pulled++
      yield new Uint8Array(size).fill(i)
    }
  }
  return { stream: gen(), state }
}

describe('readCapped', () => {
  test('default: joins the chunks in order', async () => {
    const { stream } = chunks(3, 4)
    const out = await readCapped(stream, { cid: 'x', maxBytes: 12 })
    expect(Array.from(out)).toEqual([0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2])
  })

  test('error: stops pulling at the chunk that passes the cap when no size is announced', async () => {
    const { stream, state } = chunks(100, 1000)
    await expect(readCapped(stream, { cid: 'x', maxBytes: 2500 })).rejects.toBeInstanceOf(ContentTooLargeError)
    expect(state.pulled).toBe(3)
  })

  test('error: an announced size over the cap fails before reading anything', async () => {
    const { stream, state } = chunks(100, 1000)
    await expect(readCapped(stream, { cid: 'x', maxBytes: 2500, declared: 100_000n })).rejects.toBeInstanceOf(
      ContentTooLargeError,
    )
    expect(state.pulled).toBe(0)
  })

  test('error: content that holds more or fewer bytes than it announces is invalid', async () => {
    await expect(readCapped(chunks(3, 10).stream, { cid: 'x', maxBytes: 100, declared: 20 })).rejects.toBeInstanceOf(
      InvalidContentError,
    )
    await expect(readCapped(chunks(1, 10).stream, { cid: 'x', maxBytes: 100, declared: 20 })).rejects.toBeInstanceOf(
      InvalidContentError,
    )
    const { stream, state } = chunks(100, 10)
    await expect(readCapped(stream, { cid: 'x', maxBytes: 25, declared: 20 })).rejects.toBeInstanceOf(
      ContentTooLargeError,
    )
    expect(state.pulled).toBe(3)
  })
})
