import { describe, expect, it } from 'vitest'
import { initBackend } from '../backend/index.ts'
import { silentLogger } from '../logger/index.ts'
import { createRng } from '../random.ts'
import { type AdamSlot, adamwUpdate, clipByGlobalNorm } from './adamw.ts'
import { createHostAdamw } from './hostAdamw.ts'

describe('createHostAdamw', () => {
  it('default: clips and updates as clipByGlobalNorm + adamwUpdate do on tensors, to float32 rounding', async () => {
    const { tf } = await initBackend('wasm', silentLogger)
    const rng = createRng('host-adamw')
    const values = (n: number, scale: number) => Float32Array.from({ length: n }, () => (rng.next() - 0.5) * scale)
    const params = [
      { name: 'w', shape: [4, 3], data: values(12, 1) },
      { name: 'b', shape: [3], data: values(3, 1) },
    ]
    const cfg = { beta1: 0.9, beta2: 0.95, weightDecay: 0.1, clip: 1 }
    const decay = [true, false]
    const host = createHostAdamw({ cfg, params, decay })
    const slots: AdamSlot[] = params.map((t, i) => ({
      name: t.name,
      param: tf.variable(tf.tensor(t.data, t.shape)),
      m: tf.variable(tf.zeros(t.shape)),
      v: tf.variable(tf.zeros(t.shape)),
      decay: decay[i],
    }))
    for (let t = 1; t <= 5; t++) {
      // Large gradients on odd steps: clipping is exercised both ways.
      const grads = params.map((p) => values(p.data.length, t % 2 ? 10 : 0.1))
      const norm = host.step(Float32Array.from(grads.flatMap((g) => [...g])), 1e-2, t)
      const expected = tf.tidy(() => {
        const clipped = clipByGlobalNorm(
          tf,
          grads.map((g, i) => tf.tensor(g, params[i].shape)),
          cfg.clip,
        )
        adamwUpdate(tf, cfg, slots, clipped.grads, 1e-2, t)
        return clipped.norm.dataSync()[0]
      })
      expect(norm).toBeCloseTo(expected, 4)
    }
    for (const [i, s] of slots.entries()) {
      const want = s.param.dataSync()
      for (let j = 0; j < want.length; j++) expect(host.params[i][j]).toBeCloseTo(want[j], 6)
      const m = s.m.dataSync()
      for (let j = 0; j < m.length; j++) expect(host.m[i][j]).toBeCloseTo(m[j], 6)
    }
  })

  it('behavior: updating two ranges of the values separately (as two workers do) gives the one full update, bit for bit', () => {
    const rng = createRng('host-adamw-ranges')
    const values = (n: number) => Float32Array.from({ length: n }, () => rng.next() - 0.5)
    const params = [
      { name: 'w', shape: [4, 3], data: values(12) },
      { name: 'b', shape: [3], data: values(3) },
    ]
    const cfg = { beta1: 0.9, beta2: 0.95, weightDecay: 0.1, clip: 1 }
    const full = createHostAdamw({ cfg, params, decay: [true, false] })
    const left = createHostAdamw({ cfg, params, decay: [true, false] })
    const right = createHostAdamw({ cfg, params, decay: [true, false] })
    for (let t = 1; t <= 3; t++) {
      const grads = values(15)
      full.step(grads, 1e-2, t)
      // A range that ends inside the first tensor and one that crosses into the second.
      left.step(grads, 1e-2, t, 0, 7)
      right.step(grads, 1e-2, t, 7, 15)
    }
    const joined = (a: Float32Array[], b: Float32Array[]) => [...a[0].slice(0, 7), ...b[0].slice(7), ...b[1]]
    expect(joined(left.params, right.params)).toEqual([...full.params[0], ...full.params[1]])
    expect(joined(left.v, right.v)).toEqual([...full.v[0], ...full.v[1]])
  })
})
