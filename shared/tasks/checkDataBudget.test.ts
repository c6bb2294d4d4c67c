import { describe, expect, test } from 'vitest'
import { defaultConfig, presetConfig } from '../config/index.ts'
import { checkDataBudget } from './checkDataBudget.ts'
import { DataBudgetError } from './errors.ts'
import type { LmTask } from './types.ts'

// A stand-in task: the budget depends only on page sizes and counts.
function lm(pageTokens: number, pageCount: number): LmTask {
  return {
    kind: 'lm',
    name: 'fake',
    datasetId: 'fake@00',
    vocabSize: 97,
    pageTokens,
    pageCount,
    modelKind: 'gpt',
    page: () => new Int32Array(pageTokens),
    encode: () => new Int32Array(0),
    decode: () => '',
  }
}

describe('checkDataBudget', () => {
  test('default: the default and tiny configs fit Moby Dick-sized data', () => {
    expect(checkDataBudget(defaultConfig(), lm(512, 2378))).toMatchObject({
      assignedUnits: 32768,
      consumedUnits: 30720,
    })
    expect(() => checkDataBudget(presetConfig('tiny'), lm(64, 18000))).not.toThrow()
  })

  test('error: too few tokens per miner says how many pages are needed', () => {
    const config = defaultConfig()
    config.train.innerSteps = 100
    expect(() => checkDataBudget(config, lm(512, 2378))).toThrow(DataBudgetError)
    expect(() => checkDataBudget(config, lm(512, 2378))).toThrow(/pagesPerMiner to at least 200/)
  })

  test('error: a context longer than a page', () => {
    const config = defaultConfig()
    config.model.context = 512
    expect(() => checkDataBudget(config, lm(512, 2378))).toThrow(/does not fit a page/)
  })

  test('error: a dataset with too few training pages', () => {
    expect(() => checkDataBudget(defaultConfig(), lm(512, 60))).toThrow(/training pages, fewer than/)
  })
})
