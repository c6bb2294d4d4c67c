import { describe, expect, test } from 'vitest'
import { defaultConfig } from '../config/index.ts'
import { createRng } from '../random.ts'
import { evalBatches, sampleBatch } from './batches.ts'
import { EmptyPageSetError, InvalidBatchParameterError, PageOutOfRangeError, WindowTooLargeError } from './errors.ts'
import { loadTask } from './loadTask.ts'
import type { LmBatch, LmTask } from './types.ts'

const config = defaultConfig()
const moby = loadTask('moby-char', config) as LmTask

/** True when `row` occurs inside one of the pages' token streams. */
function insidePages(task: LmTask, pages: number[], row: Int32Array): boolean {
  const needle = task.decode(row)
  return pages.some((p) => task.decode(task.page(p)).includes(needle))
}

describe('sampleBatch', () => {
  test('default: B windows from the given pages, y is x shifted by one', () => {
    const pages = [3, 10, 500]
    const batch = sampleBatch(moby, pages, createRng('batch'), 4, 64) as LmBatch
    expect(batch).toMatchObject({ kind: 'lm', B: 4, T: 64 })
    expect(batch.x).toHaveLength(4 * 64)
    for (let b = 0; b < 4; b++) {
      const x = batch.x.subarray(b * 64, (b + 1) * 64)
      const y = batch.y.subarray(b * 64, (b + 1) * 64)
      expect(y.subarray(0, 63)).toEqual(x.subarray(1))
      const window = new Int32Array(65)
      window.set(x)
      window[64] = y[63]
      expect(insidePages(moby, pages, window)).toBe(true)
    }
  })

  test('behavior: the same rng seed gives the same batch, another seed another', () => {
    const a = sampleBatch(moby, [1, 2, 3], createRng('s'), 8, 32)
    expect(sampleBatch(moby, [1, 2, 3], createRng('s'), 8, 32)).toEqual(a)
    expect(sampleBatch(moby, [1, 2, 3], createRng('t'), 8, 32)).not.toEqual(a)
  })

  test('behavior: a window as long as a page fits exactly', () => {
    const batch = sampleBatch(moby, [7], createRng(1), 2, moby.pageTokens - 1) as LmBatch
    expect(batch.x.subarray(0, batch.T)).toEqual(moby.page(7).subarray(0, moby.pageTokens - 1))
  })

  test('behavior: classification batches', () => {
    const mnist = loadTask('mnist-mlp', config)
    const batch = sampleBatch(mnist, [0, 1], createRng('m'), 16, 0)
    expect(batch).toMatchObject({ kind: 'classify', B: 16, inputSize: 784 })
    expect(batch.x).toHaveLength(16 * 784)
    for (const label of batch.y) expect(label >= 0 && label < 10).toBe(true)
    expect(sampleBatch(mnist, [0, 1], createRng('m'), 16, 0)).toEqual(batch)
  })

  test('error: empty pages, a page out of range, a window longer than a page, a bad size', () => {
    expect(() => sampleBatch(moby, [], createRng(1), 4, 8)).toThrow(EmptyPageSetError)
    expect(() => sampleBatch(moby, [moby.pageCount], createRng(1), 4, 8)).toThrow(PageOutOfRangeError)
    expect(() => sampleBatch(moby, [0], createRng(1), 4, moby.pageTokens)).toThrow(WindowTooLargeError)
    expect(() => sampleBatch(moby, [0], createRng(1), 0, 8)).toThrow(InvalidBatchParameterError)
    expect(() => sampleBatch(moby, [0], createRng(1), 4, 2.5)).toThrow(InvalidBatchParameterError)
  })
})

describe('evalBatches', () => {
  test('default: non-overlapping windows covering each page, in order', () => {
    const pages = [4, 9]
    const T = 100 // 512 / 101 = 5 windows per page
    const batches = evalBatches(moby, pages, T, 4) as LmBatch[]
    expect(batches.map((b) => b.B)).toEqual([4, 4, 2])
    const rows = batches.flatMap((b) => Array.from({ length: b.B }, (_, i) => b.x.subarray(i * T, (i + 1) * T)))
    expect(rows[0]).toEqual(moby.page(4).subarray(0, T))
    expect(rows[1]).toEqual(moby.page(4).subarray(101, 101 + T))
    expect(rows[5]).toEqual(moby.page(9).subarray(0, T))
    expect(batches[0].y.subarray(0, T)).toEqual(moby.page(4).subarray(1, T + 1))
    expect(evalBatches(moby, pages, T, 4)).toEqual(batches)
  })

  test('behavior: classification covers every example of the pages', () => {
    const mnist = loadTask('mnist-mlp', config)
    const batches = evalBatches(mnist, [2, 5], 0, 20)
    expect(batches.map((b) => b.B)).toEqual([20, 20, 20, 4])
    const labels = batches.flatMap((b) => [...b.y])
    if (mnist.kind !== 'classify') throw new Error('expected classify')
    expect(labels).toEqual([...mnist.page(2).y, ...mnist.page(5).y])
  })

  test('error: empty pages and a window longer than a page', () => {
    expect(() => evalBatches(moby, [], 8)).toThrow(EmptyPageSetError)
    expect(() => evalBatches(moby, [0], 512)).toThrow(WindowTooLargeError)
  })
})
