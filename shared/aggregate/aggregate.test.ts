import { describe, expect, test } from 'vitest'
import type { NamedTensor } from '../tensor.ts'
import { aggregateShard, applyDelta, selectTopG, shardClipNorm } from './aggregate.ts'
import { InvalidAggregationInputError, TensorMismatchError } from './errors.ts'

const t = (data: number[], name = 'w'): NamedTensor => ({ name, shape: [data.length], data: Float32Array.from(data) })
const base = { lr: 1, momentumCoef: 0.5, topG: 8, clipNorm: 0 }

/** A deterministic pseudo-random vector (LCG), independent of the code under test. */
function lcgVector(n: number, seed: number): Float32Array {
  const out = new Float32Array(n)
  let s = seed >>> 0
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    out[i] = (s / 2 ** 32 - 0.5) * 0.02
  }
  return out
}

describe('aggregateShard', () => {
  test('default: hand-computed weighted mean and Nesterov step', () => {
    const r = aggregateShard({
      ...base,
      params: [t([1, 2])],
      momentum: [t([0, 0])],
      deltas: [
        { uid: 3, weight: 1, delta: [t([0.5, -0.5])] },
        { uid: 1, weight: 3, delta: [t([1, 1])] },
      ],
    })
    // weights 0.75 / 0.25; d = [0.875, 0.625]; m = d; θ = θ + (d + 0.5·m)
    expect([...r.momentum[0].data]).toEqual([0.875, 0.625])
    expect([...r.params[0].data]).toEqual([2.3125, 2.9375])
    expect(r.used).toEqual([
      { uid: 1, weight: 0.75 },
      { uid: 3, weight: 0.25 },
    ])
  })

  test('behavior: no accepted delta takes a momentum-only step', () => {
    const r = aggregateShard({ ...base, params: [t([1])], momentum: [t([0.5])], deltas: [] })
    expect([...r.momentum[0].data]).toEqual([0.25])
    expect([...r.params[0].data]).toEqual([1.125])
  })

  test('behavior: a delta above clipNorm is scaled to it, so one miner cannot dominate', () => {
    const r = aggregateShard({
      ...base,
      momentumCoef: 0,
      clipNorm: 1,
      params: [t([0, 0])],
      momentum: [t([0, 0])],
      deltas: [{ uid: 0, weight: 1, delta: [t([3, 4])] }],
    })
    expect([...r.params[0].data]).toEqual([Math.fround(3 * Math.fround(0.2)), Math.fround(4 * Math.fround(0.2))])
  })

  test('behavior: each delta is clipped to the lower median norm of the shard, so an inflated delta weighs as much as its peers', () => {
    const honest = [t([0.3, 0.4])] // norm 0.5
    const r = aggregateShard({
      ...base,
      momentumCoef: 0,
      clipNorm: 10,
      params: [t([0, 0])],
      momentum: [t([0, 0])],
      deltas: [
        { uid: 1, weight: 1, delta: honest },
        { uid: 2, weight: 1, delta: [t([6, 8])] }, // norm 10: twenty times the honest one
      ],
    })
    // Both count at norm 0.5: (0.3, 0.4)/2 + (0.3, 0.4)/2.
    expect([...r.params[0].data].map((x) => Number(x.toFixed(6)))).toEqual([0.3, 0.4])
    expect(shardClipNorm([3, 1, 2, 100], 10)).toBe(2)
    expect(shardClipNorm([30, 40], 10)).toBe(10)
    expect(shardClipNorm([0.5], 10)).toBe(0.5)
    expect(shardClipNorm([0.5, 4], 0)).toBe(0)
  })

  test('behavior: the input order does not change a single bit', () => {
    const deltas = [5, 2, 9, 1].map((uid) => ({ uid, weight: uid + 0.1, delta: [t([...lcgVector(1000, uid)])] }))
    const params = [t([...lcgVector(1000, 42)])]
    const momentum = [t([...lcgVector(1000, 7)])]
    const a = aggregateShard({ ...base, lr: 0.7, momentumCoef: 0.9, params, momentum, deltas })
    const b = aggregateShard({ ...base, lr: 0.7, momentumCoef: 0.9, params, momentum, deltas: [...deltas].reverse() })
    expect(Buffer.from(a.params[0].data.buffer).equals(Buffer.from(b.params[0].data.buffer))).toBe(true)
    // and it is close to the same maths in float64
    const w = deltas.map((d) => d.weight)
    const sum = w.reduce((x, y) => x + y)
    const i = 123
    const d64 = deltas.reduce((acc, d, k) => acc + (w[k] / sum) * d.delta[0].data[i], 0)
    const m64 = 0.9 * momentum[0].data[i] + d64
    expect(a.params[0].data[i]).toBeCloseTo(params[0].data[i] + 0.7 * (d64 + 0.9 * m64), 6)
  })

  test('behavior: topG keeps the heaviest deltas, ties broken by lower uid', () => {
    const mk = (uid: number, weight: number) => ({ uid, weight, delta: [t([uid])] })
    expect(selectTopG([mk(4, 2), mk(1, 1), mk(3, 2), mk(2, 0)], 2).map((d) => d.uid)).toEqual([3, 4])
    expect(selectTopG([mk(4, 2), mk(3, 2), mk(5, 2)], 2).map((d) => d.uid)).toEqual([3, 4])
  })

  test('error: mismatched shapes, negative weights and duplicate uids', () => {
    const p = { ...base, params: [t([1, 2])], momentum: [t([0, 0])] }
    expect(() => aggregateShard({ ...p, deltas: [{ uid: 0, weight: 1, delta: [t([1])] }] })).toThrow(
      TensorMismatchError,
    )
    expect(() => aggregateShard({ ...p, deltas: [{ uid: 0, weight: -1, delta: [t([1, 1])] }] })).toThrow(
      InvalidAggregationInputError,
    )
    const d = { uid: 0, weight: 1, delta: [t([1, 1])] }
    expect(() => aggregateShard({ ...p, deltas: [d, d] })).toThrow(/uid appears twice/)
  })
})

describe('applyDelta', () => {
  test('default: θ + η·Δ, clipped like aggregation', () => {
    expect([...applyDelta([t([1, 1])], [t([2, -2])], 0.5, 0)[0].data]).toEqual([2, 0])
    const clipped = applyDelta([t([0, 0])], [t([3, 4])], 1, 1)[0].data
    expect(Math.hypot(clipped[0], clipped[1])).toBeCloseTo(1, 6)
  })
})
