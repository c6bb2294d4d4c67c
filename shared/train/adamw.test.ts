import { beforeAll, describe, expect, it } from 'vitest'
import { type Backend, initBackend } from '../backend/index.ts'
import { silentLogger } from '../logger/index.ts'
import { adamwUpdate, clipByGlobalNorm } from './adamw.ts'

let backend: Backend

beforeAll(async () => {
  backend = await initBackend('wasm', silentLogger)
})

describe('adamwUpdate', () => {
  const cfg = { beta1: 0.9, beta2: 0.95, weightDecay: 0.1, clip: 1 }

  it('default: the first step moves each weight by lr against its gradient sign, after decoupled decay', () => {
    const { tf } = backend
    const slot = (decay: boolean) => ({
      name: 'p',
      param: tf.variable(tf.tensor1d([1, -2]), true),
      m: tf.variable(tf.zeros([2]), false),
      v: tf.variable(tf.zeros([2]), false),
      decay,
    })
    const decayed = slot(true)
    const plain = slot(false)
    const g = tf.tensor1d([0.5, -3])
    adamwUpdate(tf, cfg, [decayed, plain], [g, g], 0.1, 1)
    // Bias-corrected m/√v is sign(g) on the first step: p·(1 − lr·wd) − lr·sign(g).
    expect(Array.from(decayed.param.dataSync())).toEqual([1 * 0.99 - 0.1, -2 * 0.99 + 0.1].map(Math.fround))
    expect(Array.from(plain.param.dataSync()).map((x) => Number(x.toFixed(5)))).toEqual([0.9, -1.9])
    expect(Array.from(decayed.m.dataSync()).map((x) => Number(x.toFixed(5)))).toEqual([0.05, -0.3])
  })
})

describe('clipByGlobalNorm', () => {
  it('default: scales all gradients by clip / global norm when above it', () => {
    const { tf } = backend
    const { grads, norm } = clipByGlobalNorm(tf, [tf.tensor1d([3]), tf.tensor1d([4])], 1)
    expect(norm.dataSync()[0]).toBeCloseTo(5, 5)
    expect(grads.map((t) => Number(t.dataSync()[0].toFixed(5)))).toEqual([0.6, 0.8])
  })

  it('behavior: gradients under the clip, or clip 0, pass unchanged', () => {
    const { tf } = backend
    expect(clipByGlobalNorm(tf, [tf.tensor1d([0.3, 0.4])], 1).grads[0].dataSync()[0]).toBeCloseTo(0.3, 6)
    expect(clipByGlobalNorm(tf, [tf.tensor1d([3, 4])], 0).grads[0].dataSync()[0]).toBe(3)
  })
})
