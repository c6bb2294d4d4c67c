import { encodeAddress } from '@polkadot/util-crypto'
import { beforeAll, describe, expect, test } from 'vitest'
import { aggregateShard } from '../shared/aggregate/index.ts'
import { type Backend, initBackend } from '../shared/backend/index.ts'
import { buildCheckpointFiles, type CheckpointDelta, genesisCheckpoint } from '../shared/checkpoint/index.ts'
import { decodeDelta, revealedDeltaExpect } from '../shared/codec/index.ts'
import { presetConfig } from '../shared/config/index.ts'
import { silentLogger } from '../shared/logger/index.ts'
import { seedBytes } from '../shared/random.ts'
import { planShards, type ShardPlan, shardTensors } from '../shared/shards/index.ts'
import { createMemoryStorage, type FileEntry } from '../shared/storage/index.ts'
import { loadTask, type Task, trainingPages } from '../shared/tasks/index.ts'
import type { NamedTensor } from '../shared/tensor.ts'
import { createCheckpointFollower } from './followCheckpoint.ts'
import { produceDelta } from './produceDelta.ts'

const config = presetConfig('tiny')
const storage = createMemoryStorage()
const hotkey = (i: number) => encodeAddress(seedBytes('follow-test', i), 42)
let backend: Backend
let task: Task
let plan: ShardPlan
let genesisCid: string
let genesisBytes: number
let genesisParams: NamedTensor[]
let child: { cid: string; params: NamedTensor[]; files: FileEntry[]; deltaBytes: number }

// θ_1 as validators build it: each shard's deltas, weighted and normalised by `aggregateShard`.
async function childOf(
  base: { params: NamedTensor[]; momentum: NamedTensor[] },
  parent: string,
  deltas: { uid: number; shard: number; weight: number; cid: string }[],
  lr = config.outer.lr,
) {
  const shapeOf = new Map(base.params.map((t) => [t.name, t.shape]))
  const next = new Map<string, { p: NamedTensor; m: NamedTensor }>()
  const used: CheckpointDelta[] = []
  let deltaBytes = 0
  for (const shard of plan.shards) {
    const mine = deltas.filter((d) => d.shard === shard.index)
    const decoded = []
    for (const d of mine) {
      const expect = revealedDeltaExpect({
        shapes: shard.names.map((name) => ({ name, shape: shapeOf.get(name)! })),
        config,
        round: 0,
        shard: d.shard,
        hotkey: hotkey(d.uid),
      })
      const bytes = await storage.get(d.cid, { maxBytes: expect.maxBytes })
      deltaBytes += bytes.length
      decoded.push({ uid: d.uid, weight: d.weight, delta: decodeDelta(bytes, expect).delta })
    }
    const out = aggregateShard({
      params: shardTensors(base.params, plan, shard.index),
      momentum: shardTensors(base.momentum, plan, shard.index),
      deltas: decoded,
      lr,
      momentumCoef: config.outer.momentum,
      topG: config.outer.topG,
      clipNorm: config.outer.clipNorm,
    })
    out.params.forEach((t, i) => {
      next.set(t.name, { p: t, m: out.momentum[i] })
    })
    for (const u of out.used) {
      const d = mine.find((x) => x.uid === u.uid)!
      used.push({ uid: u.uid, hotkey: hotkey(u.uid), shard: d.shard, cid: d.cid, weight: u.weight })
    }
  }
  const params = base.params.map((t) => next.get(t.name)!.p)
  const files = buildCheckpointFiles({
    task,
    config,
    netuid: 1,
    round: 0,
    parent,
    params,
    momentum: base.params.map((t) => next.get(t.name)!.m),
    deltas: used,
    reportLoss: 4.2,
  })
  return { cid: (await storage.add(files)).toString(), params, files, deltaBytes }
}

beforeAll(async () => {
  backend = await initBackend('wasm', silentLogger)
  task = loadTask(config.task.name, config)
  const genesis = await genesisCheckpoint(config, task, { backend, netuid: 1 })
  genesisCid = (await storage.add(genesis.files)).toString()
  genesisBytes = genesis.files.reduce((n, f) => n + f.content.length, 0)
  genesisParams = genesis.params
  plan = planShards(genesis.params, config.shards.count)
  const pages = trainingPages(task)
  const deltas = []
  // Two miners on shard 0 (weights 2 : 1), one on shard 1.
  for (const [uid, shard, weight] of [
    [1, 0, 2],
    [2, 0, 1],
    [3, 1, 1],
  ]) {
    const d = await produceDelta({
      ...{ task, config, params: genesis.params, plan, shard, pages: pages.slice(uid * 16, uid * 16 + 16) },
      ...{ hotkey: hotkey(uid), round: 0, baseCid: genesisCid, backend, storage, logger: silentLogger },
    })
    deltas.push({ uid, shard, weight, cid: d.cid })
  }
  child = await childOf(genesis, genesisCid, deltas)
}, 120_000)

const follower = () => createCheckpointFollower({ storage, config, task, plan, timeoutMs: 5_000, logger: silentLogger })

describe('createCheckpointFollower', () => {
  test('default: a joining miner downloads the checkpoint; the next one it rebuilds from the accepted deltas, bit for bit', async () => {
    const f = follower()
    const first = await f.get(genesisCid)
    expect(first.source).toMatchObject({ how: 'download', bytes: genesisBytes })
    expect(first.source.reason).toMatch(/holds no checkpoint/)
    const next = await f.get(child.cid)
    expect(next.source.how).toBe('deltas')
    expect(next.source.deltas).toBe(3)
    // What it fetched: the manifest and three delta files, far less than the checkpoint.
    expect(next.source.bytes).toBeGreaterThan(child.deltaBytes)
    expect(next.source.bytes).toBeLessThan(genesisBytes / 4)
    expect(next.checkpoint.params.map((t) => [...t.data])).toEqual(child.params.map((t) => [...t.data]))
    expect(next.checkpoint.manifest.parent).toBe(genesisCid)
    expect((await f.get(child.cid)).source).toEqual({ how: 'held', bytes: 0 })
  })

  test('behavior: a checkpoint whose files do not follow from its deltas is downloaded instead, with the reason', async () => {
    // Same manifest (parent, deltas, weights), but θ stepped with another outer learning rate.
    const forged = await childOf(
      { params: genesisParams, momentum: genesisParams.map((t) => ({ ...t, data: new Float32Array(t.data.length) })) },
      genesisCid,
      await manifestDeltas(child.cid),
      config.outer.lr / 2,
    )
    const f = follower()
    await f.get(genesisCid)
    const got = await f.get(forged.cid)
    expect(got.source.how).toBe('download')
    expect(got.source.reason).toMatch(/rebuilt from its deltas has CID \S+, not /)
    expect(got.checkpoint.params.map((t) => [...t.data])).toEqual(forged.params.map((t) => [...t.data]))
  })

  test('behavior: a miner that fell behind (the checkpoint is not a child of the one it holds) downloads it', async () => {
    const f = follower()
    await f.get(genesisCid)
    await f.get(child.cid)
    const sibling = await childOf(
      { params: genesisParams, momentum: genesisParams.map((t) => ({ ...t, data: new Float32Array(t.data.length) })) },
      genesisCid,
      (await manifestDeltas(child.cid)).slice(0, 1),
    )
    const got = await f.get(sibling.cid)
    expect(got.source.how).toBe('download')
    expect(got.source.reason).toContain(
      `its parent is ${genesisCid}, not the checkpoint this miner holds (${child.cid})`,
    )
  })
})

// The deltas of a stored checkpoint's manifest, as `childOf` takes them (weights before normalising).
async function manifestDeltas(cid: string) {
  const bytes = await storage.getFile(cid, 'manifest.json', { maxBytes: 1 << 21 })
  const m = JSON.parse(new TextDecoder().decode(bytes)) as { deltas: CheckpointDelta[] }
  return m.deltas.map((d) => ({ uid: d.uid, shard: d.shard, weight: d.weight, cid: d.cid }))
}
