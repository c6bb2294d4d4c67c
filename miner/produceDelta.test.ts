import { describe, expect, it } from 'vitest'
import { initBackend } from '../shared/backend/index.ts'
import { presetConfig } from '../shared/config/index.ts'
import { silentLogger } from '../shared/logger/index.ts'
import { createModel, initParams } from '../shared/model/index.ts'
import { planShards } from '../shared/shards/index.ts'
import { createMemoryStorage } from '../shared/storage/index.ts'
import { loadTask, trainingPages } from '../shared/tasks/index.ts'
import { createTrainPool, type TrainPool } from '../shared/train/index.ts'
import { eagerScaleAfter, eagerStart, produceDelta } from './produceDelta.ts'
import type { TrainState } from './stateStore.ts'

const tensor = (name: string, values: number[]) => ({ name, shape: [values.length], data: new Float32Array(values) })
const params = [tensor('a', [1, 2]), tensor('b', [3])]
const like = [tensor('a', [0, 0])]
const tiny = presetConfig('tiny')
/** Pipelined rounds (the default is sequential). */
const config = { ...tiny, round: { ...tiny.round, staleness: 1 } }
const carried = (round: number): TrainState => ({
  shard: 0,
  residual: [],
  optimizer: { step: 8, m: [], v: [] },
  sent: { round, delta: [tensor('a', [0.5, -1])] },
})
const values = (t: readonly { data: Float32Array }[]) => t.map((x) => [...x.data])

describe('eagerStart', () => {
  it('default: a pipelined round whose base lacks the previous round starts from the base plus its own previous delta', () => {
    // Round 5 trains on the outcome of round 3; the miner's round-4 delta stands in for round 4's average.
    const start = eagerStart({ params, round: 5, baseRound: 3, config }, carried(4), like)
    expect(values(start)).toEqual([[1.5, 1], [3]])
  })

  it('behavior: from the base alone when the base holds the previous round, the delta is older, or rounds are sequential', () => {
    expect(eagerStart({ params, round: 5, baseRound: 4, config }, carried(4), like)).toBe(params)
    expect(eagerStart({ params, round: 5, baseRound: 3, config }, carried(3), like)).toBe(params)
    expect(eagerStart({ params, round: 5, baseRound: 3, config }, undefined, like)).toBe(params)
    const sequential = { ...config, round: { ...config.round, staleness: 0 } }
    expect(eagerStart({ params, round: 5, baseRound: 3, config: sequential }, carried(4), like)).toBe(params)
    // Round 1 trains on genesis (null): its own round-0 delta is added.
    expect(values(eagerStart({ params, round: 1, baseRound: null, config }, carried(0), like))).toEqual([[1.5, 1], [3]])
  })
})

describe('eagerScaleAfter', () => {
  const settled = (a: number[]) => [tensor('a', a), tensor('b', [3])]
  it('default: after a rebase, the share of its own previous delta that the settled step kept scales the next eager start', () => {
    // The network moved a by (0.25, −0.5): half of the miner's own (0.5, −1).
    const out = eagerScaleAfter({ params, round: 5, baseRound: 3, config }, carried(4), settled([1.25, 1.5]))
    expect(out).toEqual({ eagerScale: 0.5 })
    const start = eagerStart({ params, round: 6, baseRound: 4, config }, { ...carried(5), ...out }, like)
    expect(values(start)).toEqual([[1.25, 1.5], [3]])
  })

  it('boundary: the scale is clamped to [0, 1]; without a rebase, or when no eager start was taken, the carried scale stays', () => {
    const ran = { params, round: 5, baseRound: 3, config }
    expect(eagerScaleAfter(ran, carried(4), settled([0, 4]))).toEqual({ eagerScale: 0 })
    expect(eagerScaleAfter(ran, carried(4), settled([3, -3]))).toEqual({ eagerScale: 1 })
    const scaled = { ...carried(4), eagerScale: 0.7 }
    expect(eagerScaleAfter(ran, scaled, undefined)).toEqual({ eagerScale: 0.7 })
    expect(eagerScaleAfter({ ...ran, baseRound: 4 }, scaled, settled([1.25, 1.5]))).toEqual({ eagerScale: 0.7 })
    expect(eagerScaleAfter(ran, undefined, settled([1.25, 1.5]))).toEqual({})
  })
})

describe('produceDelta on worker threads', () => {
  it('default: two training workers make a delta like one thread does (same losses), stored and carried the same way', async () => {
    const backend = await initBackend('wasm', silentLogger)
    const task = loadTask(tiny.task.name, tiny)
    const genesis = initParams(createModel(task, tiny.model), tiny.model.seed)
    const storage = createMemoryStorage()
    const run = (trainPool: TrainPool | undefined) =>
      produceDelta({
        ...{ task, config: tiny, params: genesis, plan: planShards(genesis, 1), shard: 0 },
        ...{ pages: trainingPages(task).slice(0, 8), hotkey: 'miner', round: 2, baseCid: 'bafybase' },
        ...{ backend, storage, logger: silentLogger, trainPool },
      })
    const one = await run(undefined)
    const pool = createTrainPool(2)
    const two = await run(pool).finally(() => pool.close())
    for (const [i, loss] of two.losses.entries()) expect(loss).toBeCloseTo(one.losses[i], 4)
    expect(two.trainState.optimizer.step).toBe(one.trainState.optimizer.step)
    expect(two.bytes).toBe(one.bytes)
    expect(await storage.get(two.cid, { maxBytes: 1 << 20 })).toEqual(two.encoded)
  })
})
