import { beforeAll, describe, expect, it } from 'vitest'
import { type Backend, initBackend } from '../backend/index.ts'
import { type CrowdtrainConfig, presetConfig } from '../config/index.ts'
import { silentLogger } from '../logger/index.ts'
import { createModel, initParams } from '../model/index.ts'
import { planShards } from '../shards/index.ts'
import { loadTask, type Task, trainingPages } from '../tasks/index.ts'
import type { NamedTensor } from '../tensor.ts'
import { TrainingAbortedError, TrainingDivergedError, TrainingWorkerError } from './errors.ts'
import { createTrainPool, type TrainOnPoolParameters } from './trainPool.ts'
import { trainShard } from './trainShard.ts'

let backend: Backend
let config: CrowdtrainConfig
let task: Task
let params: NamedTensor[]

beforeAll(async () => {
  backend = await initBackend('wasm', silentLogger)
  config = presetConfig('tiny')
  task = loadTask(config.task.name, config)
  params = initParams(createModel(task, config.model), config.model.seed)
})

const STEPS = 4
const inputs = () => ({
  task,
  modelConfig: config.model,
  params,
  plan: planShards(params, 2),
  shard: 1,
  pages: trainingPages(task).slice(0, 8),
  seed: 'parallel',
  train: { ...config.train, innerSteps: STEPS },
})
/** One training on a fresh pool of two threads, closed after. */
async function parallel(over: Partial<TrainOnPoolParameters> = {}) {
  const pool = createTrainPool(2)
  try {
    return await pool.train({ ...inputs(), config, backend: 'wasm', ...over })
  } finally {
    await pool.close()
  }
}

const maxDiff = (a: NamedTensor[], b: NamedTensor[]) =>
  Math.max(...a.flatMap((t, i) => Array.from(t.data, (x, j) => Math.abs(x - b[i].data[j]))))

describe('createTrainPool', () => {
  it('default: two workers train what one thread trains (same losses, same delta up to float32 rounding), the same way every time', async () => {
    const one = await trainShard({ ...inputs(), backend })
    const steps: number[] = []
    const two = await parallel({ onStep: (s) => steps.push(s.step) })
    expect(steps).toEqual([0, 1, 2, 3])
    expect(two.losses.at(-1)).toBeLessThan(two.losses[0])
    for (const [i, loss] of two.losses.entries()) expect(loss).toBeCloseTo(one.losses[i], 4)
    expect(two.delta.map((t) => t.name)).toEqual(one.delta.map((t) => t.name))
    expect(maxDiff(two.delta, one.delta)).toBeLessThan(1e-5)
    expect(two.tokens).toBe(one.tokens)
    expect(two.optimizerState.step).toBe(STEPS)
    // Deterministic for a worker count: the miner can redo a round and send the same delta.
    const again = await parallel()
    expect(maxDiff(again.delta, two.delta)).toBe(0)
  })

  it('behavior: continues from saved moments as one thread does', async () => {
    const first = await trainShard({ ...inputs(), backend })
    const next = { firstStep: STEPS, optimizerState: first.optimizerState, seed: 'next' }
    const one = await trainShard({ ...inputs(), ...next, backend })
    const two = await parallel(next)
    expect(two.optimizerState.step).toBe(2 * STEPS)
    expect(maxDiff(two.delta, one.delta)).toBeLessThan(1e-5)
  })

  it('behavior: a pool keeps its threads between trainings; one stopped midway leaves the next one unharmed', async () => {
    const pool = createTrainPool(2)
    try {
      const job = { ...inputs(), config, backend: 'wasm' as const }
      const first = await pool.train(job)
      const controller = new AbortController()
      const stopped = pool.train({
        ...job,
        train: { ...config.train, innerSteps: 200 },
        signal: controller.signal,
        onStep: (s) => s.step === 1 && controller.abort(),
      })
      await expect(stopped).rejects.toBeInstanceOf(TrainingAbortedError)
      const again = await pool.train(job)
      expect(maxDiff(again.delta, first.delta)).toBe(0)
      expect(again.losses).toEqual(first.losses)
    } finally {
      await pool.close()
    }
    await expect(pool.train({ ...inputs(), config, backend: 'wasm' })).rejects.toBeInstanceOf(TrainingAbortedError)
  })

  it('behavior: a training moves onto a newer base mid-way — workers after the same step — and takes its delta from it', async () => {
    // A newer base: every tensor moved (the frozen ones too), as a settled checkpoint is.
    const newer = params.map((t) => ({ ...t, data: t.data.map((x, j) => x + 0.01 * Math.sin(j)) }))
    const copy = params.map((t) => ({ ...t, data: new Float32Array(t.data) }))
    // One thread: onto the same values changes nothing; at step 0, the training is the one from the new base.
    const plain = await trainShard({ ...inputs(), backend })
    const same = await trainShard({ ...inputs(), backend, rebase: (s) => (s >= 2 ? copy : undefined) })
    expect(same.rebasedAt).toEqual([2])
    expect(maxDiff(same.delta, plain.delta)).toBe(0)
    expect(same.losses).toEqual(plain.losses)
    const fromNewer = await trainShard({ ...inputs(), params: newer, backend })
    const atZero = await trainShard({ ...inputs(), backend, rebase: () => newer })
    expect(atZero.rebasedAt).toEqual([0])
    expect(maxDiff(atZero.delta, fromNewer.delta)).toBe(0)
    // Two workers: the base is posted after a step; both replicas move after the same later step.
    const two = await parallel({ rebase: (s) => (s >= 1 ? newer : undefined) })
    expect(two.rebasedAt).toHaveLength(1)
    const at = two.rebasedAt[0]
    expect(at).toBeGreaterThanOrEqual(2)
    expect(at).toBeLessThan(STEPS)
    const one = await trainShard({ ...inputs(), backend, rebase: (s) => (s >= at ? newer : undefined) })
    expect(two.losses.slice(at)).not.toEqual(plain.losses.slice(at))
    for (const [i, loss] of two.losses.entries()) expect(loss).toBeCloseTo(one.losses[i], 4)
    expect(maxDiff(two.delta, one.delta)).toBeLessThan(1e-5)
    const unmoved = await parallel({ rebase: (s) => (s >= 1 ? copy : undefined) })
    expect(unmoved.rebasedAt).toHaveLength(1)
    expect(maxDiff(unmoved.delta, await parallel().then((r) => r.delta))).toBe(0)
  })

  it('error: a stopped training rejects with TrainingAbortedError', async () => {
    const controller = new AbortController()
    const run = parallel({
      train: { ...config.train, innerSteps: 200 },
      signal: controller.signal,
      onStep: (s) => s.step === 1 && controller.abort(),
    })
    await expect(run).rejects.toBeInstanceOf(TrainingAbortedError)
  })

  it('error: divergence in the workers comes back as TrainingDivergedError with its step', async () => {
    const run = parallel({ train: { ...config.train, innerSteps: STEPS, lr: 1e30, warmupSteps: 0, clip: 0 } })
    await expect(run).rejects.toBeInstanceOf(TrainingDivergedError)
  })

  it('error: a worker that loads other data than the miner trains on fails with TrainingWorkerError', async () => {
    const run = parallel({ task: { ...task, datasetId: 'sha256:other' } as Task })
    await expect(run).rejects.toThrow(TrainingWorkerError)
    await expect(parallel({ task: { ...task, datasetId: 'sha256:other' } as Task })).rejects.toThrow(/dataset/)
  })
})
