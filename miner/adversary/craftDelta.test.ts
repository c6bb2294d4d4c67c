import { describe, expect, test } from 'vitest'
import {
  CodecError,
  decodeDelta,
  NonFiniteValueError,
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
  test('default: the noise file decodes and has the norm of the aggregation clip', () => {
    const decoded = decodeDelta(noiseDeltaFile(like, meta, config, adversaryRng('noise', HOTKEY, 2)), expectOf())
    expect(decoded.norm).toBeCloseTo(config.outer.clipNorm, 0)
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
