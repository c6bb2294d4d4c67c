import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { produceDelta } from '../miner/index.ts'
import { type Backend, initBackend } from '../shared/backend/index.ts'
import { presetConfig } from '../shared/config/index.ts'
import { silentLogger } from '../shared/logger/index.ts'
import { createModel, initParams } from '../shared/model/index.ts'
import { planShards } from '../shared/shards/index.ts'
import { createMemoryStorage } from '../shared/storage/index.ts'
import { drawEvalPages, loadTask, trainingPages, unassignedPages } from '../shared/tasks/index.ts'
import type { NamedTensor } from '../shared/tensor.ts'
import { evaluateRound, scoreRound } from '../validator/index.ts'
import { runCli } from './helpers/cli.ts'

// Debian's chromium ships SwiftShader, a Vulkan on the CPU: WebGPU code runs here without a GPU
// (README "Backends"). CROWDTRAIN_TEST_GPU=1 (scripts/gpu-check.sh) leaves Dawn to find the GPU.
const SWIFTSHADER = '/usr/lib/chromium/vk_swiftshader_icd.json'
const onGpu = process.env.CROWDTRAIN_TEST_GPU === '1'
const loader = /libvulkan\.so\.1\b/.test(spawnSync('/sbin/ldconfig', ['-p'], { encoding: 'utf8' }).stdout ?? '')
const usable = onGpu || (loader && (Boolean(process.env.VK_ICD_FILENAMES) || existsSync(SWIFTSHADER)))
if (!usable)
  console.warn(
    `webgpu test skipped: ${loader ? `no GPU driver chosen (VK_ICD_FILENAMES) and no ${SWIFTSHADER}` : 'no Vulkan loader (libvulkan1)'}`,
  )

const relativeError = (a: readonly NamedTensor[], b: readonly NamedTensor[]) => {
  let diff = 0
  let norm = 0
  for (const [i, t] of a.entries())
    for (let j = 0; j < t.data.length; j++) {
      diff += (t.data[j] - b[i].data[j]) ** 2
      norm += b[i].data[j] ** 2
    }
  return Math.sqrt(diff / norm)
}

describe.skipIf(!usable)('the webgpu backend (SwiftShader here)', () => {
  it('default: a miner trains the tiny model on webgpu as on wasm, and a wasm validator scores its delta positive', async () => {
    if (!onGpu) process.env.VK_ICD_FILENAMES ??= SWIFTSHADER
    const config = presetConfig('tiny')
    const task = loadTask(config.task.name, config)
    const params = initParams(createModel(task, config.model), config.model.seed)
    const plan = planShards(params, 1)
    const pool = trainingPages(task)
    const pages = pool.slice(0, 8)
    const storage = createMemoryStorage()
    const short = { ...config, train: { ...config.train, innerSteps: 4 } }
    // Pipelined rounds: the training moves onto a newer checkpoint after step 1 (reads the GPU's values back).
    const newer = params.map((t) => ({ ...t, data: t.data.map((x, i) => x + (i % 5) * 1e-4) }))
    const train = (backend: Backend) =>
      produceDelta({
        ...{ task, config: short, params, plan, shard: 0, pages, rebase: (step) => (step >= 1 ? newer : undefined) },
        ...{ hotkey: '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY', round: 1, baseCid: 'bafybase' },
        ...{ backend, storage, logger: silentLogger },
      })
    const wasm = await train(await initBackend('wasm', silentLogger))
    const gpu = await initBackend('webgpu', silentLogger)
    expect(gpu.name).toBe('webgpu')
    expect(gpu.adapter).toBeTruthy()
    console.info(`webgpu adapter: ${gpu.adapter}`)
    const trained = await train(gpu)
    expect(trained.rebasedAt).toEqual([1])
    // Learns, and computes what wasm computes up to float32 rounding in other kernels.
    expect(trained.losses.at(-1)).toBeLessThan(trained.losses[0])
    for (const [i, loss] of trained.losses.entries()) expect(Math.abs(loss - wasm.losses[i])).toBeLessThan(1e-4)
    expect(relativeError(trained.trainState.optimizer.m, wasm.trainState.optimizer.m)).toBeLessThan(1e-3)

    // A validator on wasm fetches, decodes and scores the webgpu miner's delta.
    const backend = await initBackend('wasm', silentLogger)
    // It replays a segment of the webgpu training on wasm: the proof holds across backends.
    const measurements = await evaluateRound({
      ...{ task, config: short, plan, backend, storage, round: 1, allowedBases: new Set(['bafybase']) },
      assignedPages: new Map([['5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY', pages]]),
      proofSeed: ['webgpu-test'],
      paramShapes: new Map(params.map((t) => [t.name, t.shape])),
      reveals: [
        {
          uid: 1,
          hotkey: '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY',
          shard: 0,
          cid: trained.cid,
          block: 0,
          index: 1,
        },
      ],
      scoreAt: 'bafynewer',
      loadParams: async (cid) => (cid === 'bafynewer' ? newer : params),
      evalPages: drawEvalPages({
        pool: unassignedPages(pool, [pages]),
        evalSeed: 7,
        closeBlockHash: `0x${'cd'.repeat(32)}`,
        count: 4,
      }),
      fetchTimeoutMs: 10_000,
      logger: silentLogger,
    })
    const [row] = scoreRound(measurements)
    expect(row.reason).toBeUndefined()
    expect(row.score).toBeGreaterThan(0)
  })
})

describe.skipIf(process.platform !== 'linux')('the webgpu backend without a GPU', () => {
  it('error: no adapter is NoGpuAdapterError, exit 1, with what to install, in words and in JSON', () => {
    // A Vulkan driver list that names no driver: what a machine without a GPU driver looks like.
    const r = runCli(['bench', 'train', '--backend', 'webgpu', '--preset', 'tiny', '--json'], {
      VK_ICD_FILENAMES: '/nonexistent/icd.json',
    })
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('WebGPU found no GPU adapter on this machine.')
    expect(r.lastJson()).toMatchObject({ error: { code: 'backend.no-gpu-adapter' } })
    expect((r.lastJson() as { error: { hint: string } }).error.hint).toMatch(/libvulkan1/)
  })
})
