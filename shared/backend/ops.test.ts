import type { Tensor } from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { silentLogger } from '../logger/index.ts'
import { attention } from './attention.ts'
import { type Backend, initBackend } from './initBackend.ts'
import { addPositions, embed, gelu, layerNorm, linear, matmul } from './ops.ts'

let backend: Backend

beforeAll(async () => {
  backend = await initBackend('wasm', silentLogger)
})

/** Loss value and gradients of f w.r.t. fresh variables holding `inits`, as plain arrays. */
function gradsOf(inits: Tensor[], f: (vs: Tensor[]) => Tensor): { loss: number; grads: Float32Array[] } {
  const { tf } = backend
  const vars = inits.map((t) => tf.variable(t.clone(), true))
  const { value, grads } = tf.variableGrads(() => f(vars) as never, vars)
  const out = { loss: value.dataSync()[0], grads: vars.map((v) => grads[v.name].dataSync() as Float32Array) }
  tf.dispose([value, ...Object.values(grads), ...vars])
  return out
}

function expectClose(a: { loss: number; grads: Float32Array[] }, b: { loss: number; grads: Float32Array[] }): void {
  expect(a.loss).toBeCloseTo(b.loss, 2)
  expect(a.grads.length).toBe(b.grads.length)
  a.grads.forEach((g, i) => {
    const scale = Math.max(1e-3, ...b.grads[i].map(Math.abs))
    const worst = g.reduce((m, x, j) => Math.max(m, Math.abs(x - b.grads[i][j]) / scale), 0)
    expect(worst).toBeLessThan(1e-4)
  })
}

describe('custom-gradient ops equal autograd of the plain ops', () => {
  const rnd = (shape: number[], seed: number) => backend.tf.randomNormal(shape, 0, 1, 'float32', seed)
  // A weighted sum of squares so every output element has its own gradient.
  const loss = (y: Tensor) =>
    backend.tf.sum(
      backend.tf.mul(backend.tf.square(y), backend.tf.reshape(backend.tf.linspace(0.5, 1.5, y.size), y.shape)),
    )

  it('behavior: matmul, 2-D and batched', () => {
    const { tf } = backend
    for (const [sa, sb] of [
      [
        [6, 5],
        [5, 4],
      ],
      [
        [3, 6, 5],
        [3, 5, 4],
      ],
    ]) {
      const inits = [rnd(sa, 1), rnd(sb, 2)]
      expectClose(
        gradsOf(inits, ([a, b]) => loss(matmul(tf, a, b))),
        gradsOf(inits, ([a, b]) => loss(tf.matMul(a, b))),
      )
    }
  })

  it('behavior: linear, narrow and wide inputs (both weight-gradient routes)', () => {
    const { tf } = backend
    for (const [nIn, nOut] of [
      [5, 4],
      [12, 3],
    ]) {
      const inits = [rnd([7, nIn], 3), rnd([nIn, nOut], 4), rnd([nOut], 5)]
      expectClose(
        gradsOf(inits, ([x, w, b]) => loss(linear(tf, x, w, b))),
        gradsOf(inits, ([x, w, b]) => loss(tf.add(tf.matMul(x, w), b))),
      )
    }
  })

  it('behavior: gelu', () => {
    const { tf } = backend
    const inits = [rnd([6, 8], 14)]
    expectClose(
      gradsOf(inits, ([x]) => loss(gelu(tf, x))),
      gradsOf(inits, ([x]) => loss(tf.mul(x, tf.sigmoid(tf.mul(x, 1.702))))),
    )
  })

  it('behavior: layerNorm', () => {
    const { tf } = backend
    const inits = [rnd([6, 8], 6), rnd([8], 7), rnd([8], 8)]
    const plain = (x: Tensor, g: Tensor, b: Tensor) => {
      const xc = tf.sub(x, tf.mean(x, -1, true))
      return tf.add(tf.mul(tf.mul(xc, tf.rsqrt(tf.add(tf.mean(tf.square(xc), -1, true), 1e-5))), g), b)
    }
    expectClose(
      gradsOf(inits, ([x, g, b]) => loss(layerNorm(tf, x, g, b))),
      gradsOf(inits, ([x, g, b]) => loss(plain(x, g, b))),
    )
  })

  it('behavior: embed and addPositions', () => {
    const { tf } = backend
    const ids = tf.tensor1d([0, 3, 3, 1, 2, 0], 'int32')
    const inits = [rnd([5, 4], 9), rnd([4, 4], 10)]
    const oneHot = tf.cast(tf.oneHot(ids, 5), 'float32')
    expectClose(
      gradsOf(inits, ([wte, wpe]) => loss(addPositions(tf, tf.reshape(embed(tf, ids, wte), [2, 3, 4]), wpe))),
      gradsOf(inits, ([wte, wpe]) =>
        loss(tf.add(tf.reshape(tf.matMul(oneHot, wte), [2, 3, 4]), tf.slice(wpe, [0, 0], [3, 4]))),
      ),
    )
  })

  it('behavior: causal attention, per-slice on wasm and batched on cpu', async () => {
    const { tf } = backend
    const T = 5
    const m = new Float32Array(T * T)
    for (let q = 0; q < T; q++) for (let k = q + 1; k < T; k++) m[q * T + k] = -1e9
    const mask = tf.tensor2d(m, [T, T])
    const inits = [rnd([3, T, 4], 11), rnd([3, T, 4], 12), rnd([3, T, 4], 13)]
    const plain = ([q, k, v]: Tensor[]) =>
      loss(tf.matMul(tf.softmax(tf.add(tf.mul(tf.matMul(q, k, false, true), 0.5), mask)), v))
    const reference = gradsOf(inits, plain)
    expectClose(
      gradsOf(inits, ([q, k, v]) => loss(attention(tf, q, k, v, mask, 0.5))),
      reference,
    )
    backend = await initBackend('cpu', silentLogger)
    try {
      expectClose(
        gradsOf(inits, ([q, k, v]) => loss(attention(tf, q, k, v, mask, 0.5))),
        reference,
      )
    } finally {
      backend = await initBackend('wasm', silentLogger)
    }
  })
})
