import { describe, expect, test } from 'vitest'
import type { NamedTensor } from '../tensor.ts'
import { compressDelta, decompressDelta, keptPerChunk, topKIndices } from './delta.ts'
import { encodeDelta } from './deltaFile.ts'
import { InvalidEncodeInputError, NonFiniteValueError } from './errors.ts'

const defaults = { rank: 0, density: 0.01, bits: 8, chunk: 4096 }
const meta = { task: 'moby-char', round: 4, shard: 1, baseCid: 'bafkreigenesis', hotkey: '5Grwva' }

/** A seeded heavy-tailed generator (Student-t with 3 degrees of freedom) for reproducible deltas. */
function rng(seed: number): () => number {
  let s = seed >>> 0
  const uniform = (): number => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296 + 1 / 8589934592
  }
  const normal = (): number => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform())
  return () => {
    const z = normal()
    const chi = normal() ** 2 + normal() ** 2 + normal() ** 2
    return (1e-3 * z) / Math.sqrt(chi / 3)
  }
}

function shardLike(seed: number): NamedTensor[] {
  const next = rng(seed)
  const shapes: [string, number[]][] = [
    ['h0.ln1.g', [128]],
    ['h0.attn.wq', [128, 128]],
    ['h0.attn.wk', [128, 128]],
    ['h0.mlp.fc', [128, 512]],
    ['h0.mlp.proj', [512, 128]],
    ['h0.mlp.b', [3]],
  ]
  return shapes.map(([name, shape]) => {
    const data = new Float32Array(shape.reduce((a, b) => a * b, 1))
    for (let i = 0; i < data.length; i++) data[i] = next()
    return { name, shape, data }
  })
}

function norm2(ts: readonly NamedTensor[]): number {
  let s = 0
  for (const t of ts) for (const v of t.data) s += v * v
  return Math.sqrt(s)
}

function diffNorm(a: readonly NamedTensor[], b: readonly NamedTensor[]): number {
  let s = 0
  a.forEach((t, k) => {
    for (let i = 0; i < t.data.length; i++) s += (t.data[i] - b[k].data[i]) ** 2
  })
  return Math.sqrt(s)
}

describe('compressDelta / decompressDelta', () => {
  test('default', () => {
    const delta = shardLike(1)
    const { compressed } = compressDelta(delta, undefined, defaults)
    const dense = decompressDelta(compressed)
    compressed.tensors.forEach((t, k) => {
      const n = delta[k].data.length
      let expected = 0
      for (let s = 0; s < n; s += 4096) expected += keptPerChunk(Math.min(4096, n - s), 0.01)
      expect(t.indices.length).toBe(expected)
      // The kept values are the largest of their chunk, quantized to within half a step.
      for (let j = 0; j < t.indices.length; j++) {
        const i = t.indices[j]
        const step = t.scales[Math.floor(i / 4096)]
        expect(Math.abs(dense[k].data[i] - delta[k].data[i])).toBeLessThanOrEqual(step / 2 + 1e-12)
      }
    })
    expect(diffNorm(dense, delta) / norm2(delta)).toBeLessThan(1)
  })

  test('behavior: residual + dequantized = delta + residual in, exactly in float32', () => {
    const delta = shardLike(2)
    const residualIn = shardLike(3)
    const { compressed, residual } = compressDelta(delta, residualIn, { rank: 0, density: 0.05, bits: 4, chunk: 1000 })
    const dense = decompressDelta(compressed)
    let mismatches = 0
    let kept = 0
    delta.forEach((t, k) => {
      for (let i = 0; i < t.data.length; i++) {
        const input = Math.fround(t.data[i] + residualIn[k].data[i])
        if (Math.fround(residual[k].data[i] + dense[k].data[i]) !== input) mismatches++
        if (dense[k].data[i] !== 0) kept++
      }
    })
    expect(kept).toBeGreaterThan(1000)
    expect(mismatches).toBe(0)
  })

  test('behavior: top-k keeps the largest magnitudes and breaks ties by the lower index', () => {
    const acc = new Float32Array([0.5, -3, 3, 1, -3, 0, 2])
    expect([...topKIndices(acc, 0, acc.length, 3)]).toEqual([1, 2, 4])
    expect([...topKIndices(acc, 0, acc.length, 2)]).toEqual([1, 2])
    expect([...topKIndices(acc, 3, 7, 2)]).toEqual([4, 6])
    expect([...topKIndices(new Float32Array(5), 0, 5, 2)]).toEqual([0, 1])
  })

  test('behavior: the same delta gives the same bytes', () => {
    const a = encodeDelta(compressDelta(shardLike(4), undefined, defaults).compressed, meta)
    const b = encodeDelta(compressDelta(shardLike(4), undefined, defaults).compressed, meta)
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true)
  })

  test('behavior: at the default settings the file is ≥ 64× smaller than dense float32', () => {
    const delta = shardLike(5)
    const dense = delta.reduce((s, t) => s + t.data.byteLength, 0)
    const bytes = encodeDelta(compressDelta(delta, undefined, defaults).compressed, meta)
    expect(dense / bytes.length).toBeGreaterThanOrEqual(64)
  })

  test('behavior: error feedback reduces the accumulated error over rounds', () => {
    const rounds = 8
    const opts = { rank: 0, density: 0.02, bits: 8, chunk: 512 }
    const deltas = Array.from({ length: rounds }, (_, r) => shardLike(100 + r).slice(0, 2))
    const sum = (parts: NamedTensor[][]): NamedTensor[] =>
      parts[0].map((t, k) => {
        const data = new Float32Array(t.data.length)
        for (const p of parts) for (let i = 0; i < data.length; i++) data[i] += p[k].data[i]
        return { ...t, data }
      })
    const run = (feedback: boolean): number => {
      let residual: NamedTensor[] | undefined
      const sent: NamedTensor[][] = []
      for (const d of deltas) {
        const out = compressDelta(d, feedback ? residual : undefined, opts)
        residual = out.residual
        sent.push(decompressDelta(out.compressed))
      }
      const truth = sum(deltas)
      return diffNorm(sum(sent), truth) / norm2(truth)
    }
    const withFeedback = run(true)
    const without = run(false)
    expect(withFeedback).toBeLessThan(without * 0.9)
  })

  test('error: non-finite values, bad options, a mismatched residual', () => {
    const delta = shardLike(6)
    const bad = delta.map((t) => ({ ...t, data: new Float32Array(t.data) }))
    bad[1].data[7] = Number.NaN
    expect(() => compressDelta(bad, undefined, defaults)).toThrow(NonFiniteValueError)
    expect(() => compressDelta(delta, undefined, { ...defaults, density: 0 })).toThrow(InvalidEncodeInputError)
    expect(() => compressDelta(delta, undefined, { ...defaults, bits: 9 })).toThrow(InvalidEncodeInputError)
    expect(() => compressDelta(delta, undefined, { ...defaults, chunk: 0.5 })).toThrow(InvalidEncodeInputError)
    expect(() => compressDelta(delta, delta.slice(1), defaults)).toThrow(InvalidEncodeInputError)
    const { compressed } = compressDelta(delta, undefined, defaults)
    expect(() => encodeDelta(compressed, { ...meta, hotkey: 'not a key' })).toThrow(InvalidEncodeInputError)
    expect(() => encodeDelta(compressed, { ...meta, round: -1 })).toThrow(InvalidEncodeInputError)
  })
})

describe('compressDelta with rank-r factors', () => {
  const opts = { rank: 4, density: 0.05, bits: 8, chunk: 256 }

  test('default: matrices go as factors, vectors by top-k, and residual + sent = input', () => {
    const delta = shardLike(11)
    const { compressed, residual } = compressDelta(delta, undefined, opts)
    expect(compressed.tensors.map((t) => Boolean(t.factors))).toEqual([false, true, true, true, true, false])
    const sent = decompressDelta(compressed)
    delta.forEach((t, k) => {
      for (let i = 0; i < t.data.length; i += 97)
        expect(sent[k].data[i] + residual[k].data[i]).toBeCloseTo(t.data[i], 6)
    })
  })

  test('behavior: a rank-1 matrix is sent almost exactly, and survives the file', () => {
    const u = Float32Array.from({ length: 64 }, (_, i) => Math.sin(i + 1))
    const v = Float32Array.from({ length: 32 }, (_, j) => Math.cos(j * 0.7))
    const m = new Float32Array(64 * 32)
    for (let i = 0; i < 64; i++) for (let j = 0; j < 32; j++) m[i * 32 + j] = 1e-2 * u[i] * v[j]
    const t = [{ name: 'w', shape: [64, 32], data: m }]
    const { compressed } = compressDelta(t, undefined, opts)
    expect(diffNorm(t, decompressDelta(compressed)) / norm2(t)).toBeLessThan(0.02)
    const bytes = encodeDelta(compressed, meta)
    // rank 4 · (64 + 32) one-byte values + 8 scales instead of 2,048 float32 values.
    expect(bytes.length).toBeLessThan(64 * 32 * 4 * 0.15)
  })
})
