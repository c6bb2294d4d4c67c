import { beforeAll, describe, expect, it } from 'vitest'
import { type Backend, initBackend } from '../shared/backend/index.ts'
import { type CrowdtrainConfig, presetConfig } from '../shared/config/index.ts'
import { evaluateLoss } from '../shared/eval/index.ts'
import { silentLogger } from '../shared/logger/index.ts'
import { createModel, generate, InvalidModelConfigError, initParams } from '../shared/model/index.ts'
import { planShards, ShardOutOfRangeError } from '../shared/shards/index.ts'
import {
  assignPages,
  drawEvalPages,
  loadTask,
  reportPages,
  type Task,
  trainingPages,
  unassignedPages,
} from '../shared/tasks/index.ts'
import type { NamedTensor } from '../shared/tensor.ts'
import { TrainingAbortedError, trainShard } from '../shared/train/index.ts'

let backend: Backend
let cfg: CrowdtrainConfig
let task: Task
let base: NamedTensor[]
let minerPages: number[]
let evalPages: number[]

beforeAll(async () => {
  backend = await initBackend('wasm', silentLogger)
  cfg = presetConfig('tiny')
  task = loadTask('moby-char', cfg)
  base = initParams(createModel(task, cfg.model), cfg.model.seed)
  const pool = trainingPages(task)
  const blockHash = `0x${'ab'.repeat(32)}` as const
  minerPages = assignPages({
    datasetId: task.datasetId,
    pool,
    hotkey: 'miner-1',
    round: 1,
    blockHash,
    count: cfg.task.pagesPerMiner,
  })
  // As a validator draws them: from the pages no miner was assigned, by a seed nobody chose.
  evalPages = drawEvalPages({
    pool: unassignedPages(pool, [minerPages]),
    evalSeed: 42,
    closeBlockHash: blockHash,
    count: 16,
  })
})

/** θ + Δ for the tensors the delta holds. */
function apply(params: NamedTensor[], delta: NamedTensor[]): NamedTensor[] {
  const byName = new Map(delta.map((d) => [d.name, d]))
  return params.map((p) => {
    const d = byName.get(p.name)
    return d ? { ...p, data: p.data.map((x, i) => x + d.data[i]) } : p
  })
}

const train = (over: Partial<Parameters<typeof trainShard>[0]> = {}) =>
  trainShard({
    task,
    modelConfig: cfg.model,
    params: base,
    plan: planShards(base, 1),
    shard: 0,
    pages: minerPages,
    seed: 'miner-1/1',
    train: cfg.train,
    backend,
    ...over,
  })

describe('trainShard', () => {
  it('default: loss on report-split pages goes down within a short run', async () => {
    const report = reportPages(task).slice(0, 8)
    const before = await evaluateLoss({ task, modelConfig: cfg.model, params: base, pages: report, backend })
    const { delta, losses, tokens } = await train({
      pages: trainingPages(task),
      train: { ...cfg.train, innerSteps: 40 },
    })
    const after = await evaluateLoss({
      task,
      modelConfig: cfg.model,
      params: apply(base, delta),
      pages: report,
      backend,
    })
    expect(losses).toHaveLength(40)
    expect(tokens).toBe(40 * cfg.train.batch * cfg.model.context)
    expect(before).toBeGreaterThan(4.3) // ≈ ln(97) at initialisation
    expect(after).toBeLessThan(before - 0.5)
  })

  it("behavior: training shard k changes only shard k's parameters", async () => {
    const plan = planShards(base, 2)
    const copy = base.map((t) => new Float32Array(t.data))
    for (const k of [0, 1]) {
      const { delta } = await train({ plan, shard: k })
      expect(delta.map((d) => d.name)).toEqual(plan.shards[k].names)
      for (const d of delta) expect(d.data.some((x) => x !== 0)).toBe(true)
    }
    // θ_base is read, never written.
    expect(base.map((t) => t.data)).toEqual(copy)
  })

  it('behavior: the same seed and inputs give bit-identical deltas; another seed does not', async () => {
    const plan = planShards(base, 2)
    const a = await train({ plan, shard: 1 })
    const b = await train({ plan, shard: 1 })
    const c = await train({ plan, shard: 1, seed: 'miner-2/1' })
    expect(a.losses).toEqual(b.losses)
    const bytes = (ts: NamedTensor[]) => ts.map((t) => Buffer.from(t.data.buffer).toString('hex'))
    expect(bytes(a.delta)).toEqual(bytes(b.delta))
    expect(Array.from(c.delta[0].data)).not.toEqual(Array.from(a.delta[0].data))
  })

  it('behavior: pages per step (the first-batch-only adversary) keep the first batch and change the rest', async () => {
    const other = evalPages
    const honest = await train()
    const firstOnly = await train({ pagesAt: (step) => (step === 0 ? minerPages : other) })
    const same = await train({ pagesAt: () => minerPages })
    expect(firstOnly.losses[0]).toBe(honest.losses[0])
    expect(firstOnly.losses.slice(1)).not.toEqual(honest.losses.slice(1))
    expect(same.losses).toEqual(honest.losses)
  })

  it("behavior: an honest miner's delta lowers the loss on eval pages it never saw", async () => {
    expect(evalPages.some((p) => minerPages.includes(p))).toBe(false)
    const before = await evaluateLoss({ task, modelConfig: cfg.model, params: base, pages: evalPages, backend })
    const { delta } = await train({ plan: planShards(base, 2), shard: 0 })
    const after = await evaluateLoss({
      task,
      modelConfig: cfg.model,
      params: apply(base, delta),
      pages: evalPages,
      backend,
    })
    expect(after).toBeLessThan(before - 0.2)
  })

  it('behavior: optimizer state from the previous round carries over on the same shard', async () => {
    const plan = planShards(base, 2)
    const first = await train({ plan, shard: 1 })
    expect(first.optimizerState.step).toBe(cfg.train.innerSteps)
    expect(first.optimizerState.m.map((t) => t.name)).toEqual(plan.shards[1].names)
    const second = await train({ plan, shard: 1, optimizerState: first.optimizerState })
    expect(second.optimizerState.step).toBe(2 * cfg.train.innerSteps)
    const fresh = await train({ plan, shard: 0, optimizerState: first.optimizerState })
    expect(fresh.optimizerState.step).toBe(cfg.train.innerSteps)
  })

  it('behavior: the MLP trains on mnist', async () => {
    const mnistCfg = presetConfig('tiny')
    mnistCfg.task.name = 'mnist-mlp'
    const digits = loadTask('mnist-mlp', mnistCfg)
    const params = initParams(createModel(digits, mnistCfg.model), 1)
    const pages = trainingPages(digits)
    const held = pages.slice(-4)
    const before = await evaluateLoss({ task: digits, modelConfig: mnistCfg.model, params, pages: held, backend })
    const { delta } = await trainShard({
      task: digits,
      modelConfig: mnistCfg.model,
      params,
      plan: planShards(params, 1),
      shard: 0,
      pages: pages.slice(0, 40),
      seed: 1,
      train: { ...mnistCfg.train, innerSteps: 40, batch: 32 },
      backend,
    })
    const after = await evaluateLoss({
      task: digits,
      modelConfig: mnistCfg.model,
      params: apply(params, delta),
      pages: held,
      backend,
    })
    expect(after).toBeLessThan(before * 0.6)
  })

  it('behavior: wasm (patched kernels, per-slice attention) trains like the plain cpu reference', async () => {
    const steps = { ...cfg.train, innerSteps: 3 }
    const wasm = await train({ train: steps })
    const cpu = await train({ train: steps, backend: await initBackend('cpu', silentLogger) }).finally(async () => {
      backend = await initBackend('wasm', silentLogger)
    })
    wasm.losses.forEach((l, i) => {
      expect(Math.abs(l - cpu.losses[i])).toBeLessThan(1e-4)
    })
    const worst = wasm.delta.reduce(
      (m, d, i) => Math.max(m, ...d.data.map((x, j) => Math.abs(x - cpu.delta[i].data[j]))),
      0,
    )
    expect(worst).toBeLessThan(1e-4)
  })

  it('error: a shard index outside the plan', async () => {
    await expect(train({ plan: planShards(base, 2), shard: 2 })).rejects.toBeInstanceOf(ShardOutOfRangeError)
  })

  it('error: a model config that does not fit', async () => {
    await expect(train({ modelConfig: { ...cfg.model, heads: 3 } })).rejects.toBeInstanceOf(InvalidModelConfigError)
  })

  it('error: an aborted signal stops training with a typed error and frees its tensors', async () => {
    const before = backend.tf.memory().numTensors
    const controller = new AbortController()
    const run = train({ signal: controller.signal, onStep: ({ step }) => step === 1 && controller.abort() })
    await expect(run).rejects.toBeInstanceOf(TrainingAbortedError)
    expect(backend.tf.memory().numTensors).toBe(before)
  })
})

describe('generate', () => {
  it('default: a trained model continues a prompt; the same seed gives the same text', async () => {
    if (task.kind !== 'lm') throw new Error('moby-char is a language task')
    const { delta } = await train({ pages: trainingPages(task), train: { ...cfg.train, innerSteps: 40 } })
    const params = apply(base, delta)
    const opts = {
      task,
      modelConfig: cfg.model,
      params,
      prompt: 'Call me Ishmael. ',
      tokens: 40,
      temperature: 0.8,
      seed: 3,
      backend,
    }
    const a = await generate(opts)
    expect(a).toHaveLength(40)
    expect(await generate(opts)).toBe(a)
    // Greedy decoding of a model that learnt anything picks the space or a common letter.
    expect(await generate({ ...opts, temperature: 0, tokens: 1, prompt: 'the whale' })).toMatch(/[ a-z]/)
  })
})
