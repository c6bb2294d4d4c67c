import { beforeAll, describe, expect, it } from 'vitest'
import { type Backend, initBackend } from '../backend/index.ts'
import { presetConfig } from '../config/index.ts'
import { silentLogger } from '../logger/index.ts'
import { createModel, initParams, ParamMismatchError } from '../model/index.ts'
import { loadTask, reportPages } from '../tasks/index.ts'
import { evaluateLoss } from './evaluateLoss.ts'

let backend: Backend
const cfg = presetConfig('tiny')

beforeAll(async () => {
  backend = await initBackend('wasm', silentLogger)
})

describe('evaluateLoss', () => {
  const task = loadTask('moby-char', cfg)
  const params = initParams(createModel(task, cfg.model), 1)
  const pages = reportPages(task).slice(0, 3)

  it('default: a fresh model scores about ln(vocabulary) nats per token', async () => {
    const loss = await evaluateLoss({ task, modelConfig: cfg.model, params, pages, backend })
    expect(Math.abs(loss - Math.log(task.kind === 'lm' ? task.vocabSize : 0))).toBeLessThan(0.1)
  })

  it('behavior: the batch size changes nothing beyond rounding (batches weighted by rows)', async () => {
    const a = await evaluateLoss({ task, modelConfig: cfg.model, params, pages, backend, maxBatch: 1 })
    const b = await evaluateLoss({ task, modelConfig: cfg.model, params, pages, backend, maxBatch: 5 })
    expect(a).toBeCloseTo(b, 5)
  })

  it('error: parameters of another model', async () => {
    const other = initParams(createModel(task, { ...cfg.model, layers: 1 }), 1)
    await expect(evaluateLoss({ task, modelConfig: cfg.model, params: other, pages, backend })).rejects.toBeInstanceOf(
      ParamMismatchError,
    )
  })
})
