import { describe, expect, test } from 'vitest'
import {
  CodecError,
  compressDelta,
  decodeDelta,
  encodeDelta,
  maxDeltaNorm,
  NonFiniteValueError,
  NormTooLargeError,
  revealedDeltaExpect,
  ShapeMismatchError,
} from '../../shared/codec/index.ts'
import { presetConfig } from '../../shared/config/index.ts'
import { adversaryRng, garbageBytes, nanDeltaFile, noiseDeltaFile, wrongShapeDeltaFile } from './craftDelta.ts'

const config = presetConfig('tiny')
const like = [
  { name: 'a', shape: [64, 32], data: new Float32Array(64 * 32) },
  { name: 'b', shape: [32], data: new Float32Array(32) },
]
const HOTKEY = '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY'
const BASE = 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy'
const meta = { task: config.task.name, round: 2, shard: 0, baseCid: BASE, hotkey: HOTKEY }
const expectOf = () => revealedDeltaExpect({ shapes: like, config, round: 2, shard: 0, hotkey: HOTKEY })

describe('crafted adversarial deltas', () => {
  test('default: the noise file decodes and has the norm of the aggregation clip, or just under the norm bound', () => {
    const decoded = decodeDelta(noiseDeltaFile(like, meta, config, adversaryRng('noise', HOTKEY, 2)), expectOf())
    const bound = maxDeltaNorm(config, like)
    expect(bound).toBeLessThan(config.outer.clipNorm)
    expect(decoded.norm).toBeCloseTo(0.99 * bound, 0)
    // A shard large enough that the clip norm is under the bound: the noise has the clip norm.
    const big = [{ name: 'a', shape: [256, 256], data: new Float32Array(256 * 256) }]
    const expectBig = revealedDeltaExpect({ shapes: big, config, round: 2, shard: 0, hotkey: HOTKEY })
    const noise = decodeDelta(noiseDeltaFile(big, meta, config, adversaryRng('noise', HOTKEY, 2)), expectBig)
    expect(noise.norm).toBeCloseTo(config.outer.clipNorm, 0)
  })

  test('error: a delta over the norm bound (what honest training can produce) is refused', () => {
    const bound = maxDeltaNorm(config, like)
    const big = like.map((t) => ({ ...t, data: new Float32Array(t.data.length).fill((2 * bound) / Math.sqrt(2080)) }))
    const bytes = encodeDelta(
      compressDelta(big, undefined, { ...config.compress, rank: 0, density: 1, bits: 8 }).compressed,
      meta,
    )
    expect(() =>
      decodeDelta(bytes, { ...expectOf(), compress: { ...config.compress, rank: 0, density: 1, bits: 8 } }),
    ).toThrow(NormTooLargeError)
  })

  test('error: garbage, NaN and wrong-shape files are refused by the validators decoder', () => {
    const rng = adversaryRng('t', HOTKEY, 2)
    expect(() => decodeDelta(garbageBytes(rng, 4096), expectOf())).toThrow(CodecError)
    expect(() => decodeDelta(nanDeltaFile(like, meta, config.compress, rng), expectOf())).toThrow(NonFiniteValueError)
    // A shard of matrices only: every tensor goes as factors, and the NaN goes into a factor scale.
    const matrices = [like[0], { name: 'c', shape: [32, 64], data: new Float32Array(32 * 64) }]
    const expectMatrices = revealedDeltaExpect({ shapes: matrices, config, round: 2, shard: 0, hotkey: HOTKEY })
    expect(() => decodeDelta(nanDeltaFile(matrices, meta, config.compress, rng), expectMatrices)).toThrow(
      NonFiniteValueError,
    )
    expect(() => decodeDelta(wrongShapeDeltaFile(like, meta, config.compress, rng), expectOf())).toThrow(
      ShapeMismatchError,
    )
  })

  test('behavior: one seed, one file', () => {
    const a = noiseDeltaFile(like, meta, config, adversaryRng('noise', HOTKEY, 2))
    const b = noiseDeltaFile(like, meta, config, adversaryRng('noise', HOTKEY, 2))
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true)
  })
})
