import { beforeAll, describe, expect, test } from 'vitest'
import { type Backend, initBackend } from '../shared/backend/index.ts'
import { compressDelta, decompressDelta } from '../shared/codec/index.ts'
import { presetConfig } from '../shared/config/index.ts'
import { silentLogger } from '../shared/logger/index.ts'
import { createModel, initParams } from '../shared/model/index.ts'
import { planShards } from '../shared/shards/index.ts'
import { assignPages, loadTask, trainingPages } from '../shared/tasks/index.ts'
import { minerBatchSeed, trainShard } from '../shared/train/index.ts'
import {
  batchCheckReason,
  createBatchChecker,
  minerFirstBatch,
  passesBatchCheck,
  referenceBatches,
  requiredExcess,
  signAgreement,
} from './batchCheck.ts'

const f = (...xs: number[]) => new Float32Array(xs)

describe('signAgreement', () => {
  test('default: the share of nonzero values that step against the gradient', () => {
    // kept: -1 (g 2: agrees), 3 (g -1: agrees), 2 (g 5: disagrees), 4 (g 0: disagrees); zeros ignored.
    expect(signAgreement([f(-1, 0, 3), f(2, 4, 0)], [f(2, 9, -1), f(5, 0, 7)])).toEqual({ share: 0.5, kept: 4 })
  })

  test('behavior: an all-zero delta keeps nothing and agrees with nothing', () => {
    expect(signAgreement([f(0, 0)], [f(1, -1)])).toEqual({ share: 0, kept: 0 })
  })
})

describe('passesBatchCheck', () => {
  test('default: the excess needed is 3 binomial standard deviations, at least 0.05', () => {
    expect(requiredExcess({ own: 1, reference: 0.8, kept: 144 })).toBeCloseTo(3 * Math.sqrt(0.16 / 144), 12)
    expect(requiredExcess({ own: 1, reference: 0.8, kept: 100_000 })).toBe(0.05)
  })

  test('behavior: passes above the reference by the required excess, fails under it or with nothing kept', () => {
    expect(passesBatchCheck({ own: 0.95, reference: 0.8, kept: 144 })).toBe(true)
    expect(passesBatchCheck({ own: 0.85, reference: 0.8, kept: 144 })).toBe(false)
    expect(passesBatchCheck({ own: 0, reference: 0, kept: 0 })).toBe(false)
  })

  test('behavior: the reason gives the figures a miner can compare', () => {
    expect(batchCheckReason({ own: 0.7, reference: 0.68, kept: 133 })).toBe(
      'wrong-data: 70.0% of the 133 kept values have the sign of a descent step on the first batch of your ' +
        'assigned pages, 68.0% on unrelated batches; training on them gives at least 80.1%',
    )
  })
})

describe('createBatchChecker', () => {
  const config = presetConfig('tiny')
  const task = loadTask('moby-char', config)
  const params = initParams(createModel(task, config.model), config.model.seed)
  const plan = planShards(params, config.shards.count)
  const pool = trainingPages(task)
  const hotkey = '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY'
  const round = 4
  const blockHash = `0x${'11'.repeat(32)}` as const
  const count = config.task.pagesPerMiner
  const pages = assignPages({ datasetId: task.datasetId, pool, hotkey, round, blockHash, count })
  const taken = new Set(pages)
  const free = pool.filter((p) => !taken.has(p))
  const other = assignPages({ datasetId: task.datasetId, pool: free, hotkey: `${hotkey}/x`, round, blockHash, count })
  const referencePool = free.filter((p) => !other.includes(p))
  const evalPages = referencePool.slice(0, config.task.evalPages)
  let backend: Backend

  beforeAll(async () => {
    backend = await initBackend('wasm', silentLogger)
  })

  // A miner's delta as a validator decodes it: trained from fresh state, top-k compressed.
  const deltaOn = async (trainPages: readonly number[], shard: number) => {
    const { delta } = await trainShard({
      ...{ task, modelConfig: config.model, params, plan, shard, pages: trainPages, backend },
      seed: minerBatchSeed(hotkey, round),
      train: config.train,
    })
    return decompressDelta(compressDelta(delta, undefined, config.compress).compressed).map((t) => t.data)
  }

  test('behavior: a delta trained on the assigned pages passes; one trained on other pages, as honestly, fails', async () => {
    const check = createBatchChecker({ task, config, plan, backend, round, evalPages, referencePool })
    for (const shard of [0, 1]) {
      const honest = await check({
        baseCid: 'b',
        base: params,
        shard,
        hotkey,
        pages,
        delta: await deltaOn(pages, shard),
      })
      const wrong = await check({
        baseCid: 'b',
        base: params,
        shard,
        hotkey,
        pages,
        delta: await deltaOn(other, shard),
      })
      expect(passesBatchCheck(honest), JSON.stringify(honest)).toBe(true)
      expect(passesBatchCheck(wrong), JSON.stringify(wrong)).toBe(false)
      expect(wrong.kept).toBe(honest.kept)
    }
  })

  test('behavior: the batches are the protocol streams: the same inputs give the same windows', () => {
    const a = minerFirstBatch(task, config, hotkey, round, pages)
    const b = minerFirstBatch(task, config, hotkey, round, pages)
    expect(a).toEqual(b)
    expect(minerFirstBatch(task, config, hotkey, round + 1, pages)).not.toEqual(a)
    const refs = referenceBatches(task, config, referencePool, round, evalPages)
    expect(refs).toHaveLength(8)
    expect(refs[0]).not.toEqual(refs[1])
  })
})
