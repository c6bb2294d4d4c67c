import { describe, expect, it } from 'vitest'
import { silentLogger } from '../logger/index.ts'
import { initBackend } from './initBackend.ts'

/** The box begin/size of a row-major array of the given shape, computed in plain JS. */
function boxOf(data: Float32Array, shape: number[], begin: number[], size: number[]): number[] {
  const out: number[] = []
  const strides = shape.map((_, a) => shape.slice(a + 1).reduce((n, d) => n * d, 1))
  const walk = (a: number, offset: number) => {
    if (a === shape.length) {
      out.push(data[offset])
      return
    }
    for (let i = 0; i < size[a]; i++) walk(a + 1, offset + (begin[a] + i) * strides[a])
  }
  walk(0, 0)
  return out
}

describe('patchWasmKernels', () => {
  it('default: slices on the patched wasm backend equal a plain-JS slice', async () => {
    const { tf } = await initBackend('wasm', silentLogger)
    expect((tf.getKernel('Slice', 'wasm') as { patched?: boolean }).patched).toBe(true)
    const shape = [3, 4, 5, 6]
    const data = Float32Array.from({ length: 360 }, (_, i) => i * 0.5 - 7)
    const x = tf.tensor(data, shape)
    const boxes: [number[], number[]][] = [
      [
        [1, 0, 0, 0],
        [1, 4, 5, 6],
      ], // one contiguous run
      [
        [0, 1, 0, 0],
        [3, 2, 5, 6],
      ], // runs per outer index
      [
        [0, 0, 2, 1],
        [2, 3, 2, 4],
      ], // innermost axis cut
      [
        [2, 3, 4, 5],
        [1, 1, 1, 1],
      ],
    ]
    for (const [begin, size] of boxes)
      expect(Array.from(tf.slice(x, begin, size).dataSync())).toEqual(boxOf(data, shape, begin, size))
  })

  it('behavior: split along any axis equals plain-JS slices, int32 included', async () => {
    const { tf } = await initBackend('wasm', silentLogger)
    const shape = [4, 3, 5]
    const data = Float32Array.from({ length: 60 }, (_, i) => i)
    for (const axis of [0, 1, 2]) {
      const parts = tf.split(tf.tensor(data, shape, 'int32'), [1, shape[axis] - 1], axis)
      const begin = [0, 0, 0]
      parts.forEach((p, i) => {
        const size = [...shape]
        size[axis] = i === 0 ? 1 : shape[axis] - 1
        begin[axis] = i === 0 ? 0 : 1
        expect(p.dtype).toBe('int32')
        expect(Array.from(p.dataSync())).toEqual(boxOf(data, shape, begin, size))
      })
    }
  })
})
