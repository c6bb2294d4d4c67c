import { describe, expect, it } from 'vitest'
import { defaultConfig } from '../config/index.ts'
import { createModel } from '../model/index.ts'
import type { LmTask } from '../tasks/index.ts'
import { ShardOutOfRangeError } from './errors.ts'
import { planShards, shardTensors } from './planShards.ts'

const lm = { kind: 'lm', vocabSize: 97, pageTokens: 512 } as LmTask
const params = createModel(lm, defaultConfig().model).params

describe('planShards', () => {
  it('default: two shards of the default GPT, balanced, every tensor in exactly one', () => {
    const plan = planShards(params, 2)
    expect(plan.shards.map((s) => s.groups)).toEqual([
      ['embed', 'h.0', 'h.2'],
      ['h.1', 'h.3'],
    ])
    const all = plan.shards.flatMap((s) => s.names)
    expect(all.sort()).toEqual(params.map((p) => p.name).sort())
    const [a, b] = plan.shards.map((s) => s.size)
    expect(a + b).toBe(834_560)
    expect(Math.abs(a - b) / (a + b)).toBeLessThan(0.06)
  })

  it('behavior: S = 1 is the whole model; S = groups puts one unit in each shard', () => {
    expect(planShards(params, 1).shards[0].names).toEqual(params.map((p) => p.name))
    expect(planShards(params, 5).shards.map((s) => s.groups.length)).toEqual([1, 1, 1, 1, 1])
  })

  it('behavior: the same input gives the same plan', () => {
    expect(planShards(params, 3)).toEqual(planShards(params, 3))
  })

  it('behavior: shardTensors returns the shard tensors in model order', () => {
    const plan = planShards(params, 2)
    const tensors = params.map((p) => ({ name: p.name, shape: p.shape, data: new Float32Array(0) }))
    expect(shardTensors(tensors, plan, 1).map((t) => t.name)).toEqual(plan.shards[1].names)
  })

  it('error: more shards than units', () => {
    expect(() => planShards(params, 6)).toThrow(ShardOutOfRangeError)
    expect(() => planShards(params, 0)).toThrow(ShardOutOfRangeError)
  })

  it('error: a shard index outside [0, S)', () => {
    const plan = planShards(params, 2)
    expect(() => shardTensors([], plan, 2)).toThrow(ShardOutOfRangeError)
    expect(() => shardTensors([], plan, -1)).toThrow(ShardOutOfRangeError)
  })
})
