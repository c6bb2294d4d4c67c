import { afterAll, describe, expect, it } from 'vitest'
import { initBackend } from '../backend/index.ts'
import { presetConfig } from '../config/index.ts'
import { silentLogger } from '../logger/index.ts'
import { createModel, initParams, ParamMismatchError } from '../model/index.ts'
import { loadTask, reportPages } from '../tasks/index.ts'
import { evaluateLoss } from './evaluateLoss.ts'
import { createLossPool, type LossEvaluator } from './lossPool.ts'

const pools: LossEvaluator[] = []
afterAll(async () => {
  for (const p of pools) await p.close()
})

describe('createLossPool', () => {
  it('default: workers compute the loss this thread computes, bit for bit, several at once; a bad model is refused with its typed error', async () => {
    const config = presetConfig('tiny')
    const backend = await initBackend('wasm', silentLogger)
    const task = loadTask(config.task.name, config)
    const params = initParams(createModel(task, config.model), config.model.seed)
    const pages = reportPages(task).slice(0, 4)
    const pool = createLossPool({ task, config, backend, workers: 2, logger: silentLogger })
    pools.push(pool)
    const here = await evaluateLoss({ task, modelConfig: config.model, backend, params, pages })
    const scaled = params.map((t) => ({ ...t, data: t.data.map((x) => x * 0.5) }))
    const [a, b] = await Promise.all([pool.loss(params, pages), pool.loss(scaled, pages)])
    expect(a).toBe(here)
    expect(b).toBe(await evaluateLoss({ task, modelConfig: config.model, backend, params: scaled, pages }))
    await expect(pool.loss(params.slice(1), pages)).rejects.toBeInstanceOf(ParamMismatchError)
    // The worker that refused the job still serves.
    expect(await pool.loss(params, pages)).toBe(here)
    await pool.close()
    await expect(pool.loss(params, pages)).resolves.toBe(here)
  })
})
