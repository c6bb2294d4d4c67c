import { beforeAll, describe, expect, it } from 'vitest'
import { produceDelta } from '../miner/produceDelta.ts'
import { type Backend, initBackend } from '../shared/backend/index.ts'
import { compressDelta, decodeDelta, encodeDelta, revealedDeltaExpect } from '../shared/codec/index.ts'
import { type CrowdtrainConfig, presetConfig } from '../shared/config/index.ts'
import { silentLogger } from '../shared/logger/index.ts'
import { createModel, initParams } from '../shared/model/index.ts'
import { planShards, type ShardPlan } from '../shared/shards/index.ts'
import { createMemoryStorage, type Storage } from '../shared/storage/index.ts'
import { loadTask, type Task, trainingPages } from '../shared/tasks/index.ts'
import type { NamedTensor } from '../shared/tensor.ts'
import { createTrainPool } from '../shared/train/index.ts'
import {
  checkMoments,
  type ProveTrainingParameters,
  proveTraining,
  snapshotSteps,
  snapshotsToFetch,
} from './proveTraining.ts'

const HOTKEY = '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY'
const ROUND = 1
let backend: Backend
let config: CrowdtrainConfig
let task: Task
let params: NamedTensor[]
let plan: ShardPlan
let storage: Storage
let pages: number[]
let other: number[]

beforeAll(async () => {
  backend = await initBackend('wasm', silentLogger)
  config = presetConfig('tiny')
  task = loadTask(config.task.name, config)
  params = initParams(createModel(task, config.model), config.model.seed)
  plan = planShards(params, config.shards.count)
  storage = createMemoryStorage()
  const pool = trainingPages(task)
  pages = pool.slice(0, config.task.pagesPerMiner)
  other = pool.slice(40, 40 + config.task.pagesPerMiner)
})

type Over = Partial<Parameters<typeof produceDelta>[0]>
const mine = (over: Over = {}) =>
  produceDelta({
    ...{ task, config, params, plan, shard: 0, pages, hotkey: HOTKEY, round: ROUND, baseCid: 'bafybase' },
    ...{ backend, storage, logger: silentLogger },
    ...over,
  })
const decoded = (bytes: Uint8Array) =>
  decodeDelta(
    bytes,
    revealedDeltaExpect({
      shapes: plan.shards[0].names.map((name) => ({ name, shape: params.find((t) => t.name === name)!.shape })),
      config,
      round: ROUND,
      shard: 0,
      hotkey: HOTKEY,
    }),
  )
const prove = (bytes: Uint8Array, over: Partial<ProveTrainingParameters> = {}) =>
  proveTraining({
    ...{ task, config, plan, backend, storage, round: ROUND, hotkey: HOTKEY, pages, base: params },
    ...{ decoded: decoded(bytes), drawSeed: ['test'], fetchTimeoutMs: 5_000 },
    ...over,
  })
const segments = () => snapshotSteps(config.train.innerSteps, config.proof.every).length - 1

describe('proveTraining', () => {
  it('default: every segment of an honest training replays exactly on its assigned pages', async () => {
    const honest = await mine()
    expect(honest.proof.snapshots).toHaveLength(segments() + 1)
    for (let segment = 0; segment < segments(); segment++)
      expect(await prove(honest.encoded, { segment })).toMatchObject({ proven: true, segment, distance: 0 })
  })

  it('behavior: the snapshots a prefetch gets are the ones the drawn replay reads', async () => {
    const honest = await mine()
    for (const seed of ['a', 'b', 'c', 'd']) {
      const got = await prove(honest.encoded, { drawSeed: [seed] })
      if (!got.proven) throw new Error(got.reason)
      const wanted = snapshotsToFetch(honest.proof, config.train.innerSteps, [seed], HOTKEY)
      expect(wanted).toEqual([...new Set([0, got.segment, got.segment + 1, segments()])])
    }
  })

  it('behavior: training on two worker threads replays on one within the tolerance', async () => {
    const pool = createTrainPool(2)
    try {
      const two = await mine({ trainPool: pool })
      for (let segment = 0; segment < segments(); segment++) {
        const got = await prove(two.encoded, { segment })
        expect(got.proven && got.distance).toBeLessThan(1e-3)
      }
    } finally {
      await pool.close()
    }
  })

  it('behavior: a training that moved onto a newer checkpoint mid-way replays, the segment across the move included', async () => {
    const newer = params.map((t) => ({ ...t, data: t.data.map((x, i) => x + (i % 3) * 1e-3) }))
    const moved = await mine({ rebase: (step) => (step >= 3 ? newer : undefined) })
    expect(moved.rebasedAt).toEqual([3])
    for (let segment = 0; segment < segments(); segment++)
      expect(await prove(moved.encoded, { segment, rebaseTarget: newer })).toMatchObject({ proven: true, distance: 0 })
    // Without the newer checkpoint the declared move cannot be replayed.
    expect(await prove(moved.encoded)).toMatchObject({
      proven: false,
      reason: expect.stringMatching(/^unproven: the proof declares rebases/),
    })
  })

  it('error: wrong-data (other pages of the dataset) and first-batch-only fail in every segment', async () => {
    const wrong = await mine({ pages: other })
    const firstOnly = await mine({ pagesAt: (step) => (step === 0 ? pages : other) })
    for (const bad of [wrong, firstOnly])
      for (let segment = 0; segment < segments(); segment++) {
        const got = await prove(bad.encoded, { segment })
        expect(got).toMatchObject({ proven: false })
        expect(!got.proven && got.reason).toMatch(
          new RegExp(`^unproven: segment ${segment} \\(steps \\d+–\\d+\\) replayed on the assigned pages ends`),
        )
      }
  })

  it('error: lazy work (fewer steps), a delta without a proof, and a delta that is not the proven one are unproven', async () => {
    const lazy = await mine({ config: { ...config, train: { ...config.train, innerSteps: 1 } } })
    expect(await prove(lazy.encoded)).toEqual({
      proven: false,
      reason: `unproven: the proof lists 2 snapshots every ${config.proof.every} steps; ${segments() + 1} every ${config.proof.every} were expected`,
    })
    const honest = await mine()
    const d = decoded(honest.encoded)
    const bare = encodeDelta(d.compressed, { ...d.meta, proof: undefined })
    expect(await prove(bare)).toEqual({ proven: false, reason: 'unproven: the delta file lists no proof of training' })
    // The honest proof under a delta that climbs the loss instead.
    const flipped = d.delta.map((t) => ({ ...t, data: t.data.map((x) => -x) }))
    const poison = encodeDelta(compressDelta(flipped, undefined, config.compress).compressed, d.meta)
    const got = await prove(poison)
    expect(!got.proven && got.reason).toMatch(
      /^unproven: the delta points elsewhere than its proven training \(cosine -0\.\d+ < 0\.5\)$/,
    )
  })

  it('error: a snapshot that cannot be fetched is unproven with the reason', async () => {
    const honest = await mine()
    const empty = { get: () => Promise.reject(new Error('no provider')) } as unknown as Storage
    const got = await prove(honest.encoded, { storage: empty, segment: 0 })
    expect(!got.proven && got.reason).toMatch(/^unproven: snapshot \d could not be fetched: .*no provider/)
  })
})

describe('checkMoments', () => {
  const train = { beta1: 0.9, beta2: 0.999, clip: 1 }
  const t = (values: number[]) => [{ name: 'w', shape: [values.length], data: new Float32Array(values) }]
  it('default: moments of a real clipped gradient history pass', () => {
    // One update with g = (0.6, −0.8): m = 0.1·g, v = 0.001·g².
    expect(() => checkMoments({ t: 1, m: t([0.06, -0.08]), v: t([0.00036, 0.00064]) }, train, 0)).not.toThrow()
    expect(() => checkMoments({ t: 0, m: t([0, 0]), v: t([0, 0]) }, train, 0)).not.toThrow()
  })

  it('error: a first moment no history of t updates can give, or moments larger than clipped gradients make', () => {
    expect(() => checkMoments({ t: 1, m: t([0.06, 0.5]), v: t([0.00036, 0.00064]) }, train, 2)).toThrow(
      "snapshot 2's moments fit no gradient history of 1 updates (tensor w)",
    )
    expect(() => checkMoments({ t: 0, m: t([0.01, 0]), v: t([0, 0]) }, train, 0)).toThrow(
      /fit no gradient history of 0/,
    )
    expect(() => checkMoments({ t: 1, m: t([0.3, 0]), v: t([0.09, 0]) }, train, 0)).toThrow(
      "snapshot 0's moments are larger than 1 clipped gradients can make",
    )
  })
})
