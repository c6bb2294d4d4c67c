import { encodeAddress } from '@polkadot/util-crypto'
import { describe, expect, test } from 'vitest'
import { buildManifest } from '../shared/checkpoint/index.ts'
import { compressDelta, encodeDelta } from '../shared/codec/index.ts'
import { presetConfig } from '../shared/config/index.ts'
import { silentLogger } from '../shared/logger/index.ts'
import { createModel, initParams } from '../shared/model/index.ts'
import { planShards, shardTensors } from '../shared/shards/index.ts'
import { createMemoryStorage } from '../shared/storage/index.ts'
import { loadTask } from '../shared/tasks/index.ts'
import { testDir } from '../test/helpers/testDir.ts'
import type { MinerContext } from './minerContext.ts'
import { createStateStore, type TrainState } from './stateStore.ts'
import { restoreUnusedDelta, withUnusedDelta } from './unusedDelta.ts'

const dir = testDir('unused-delta-')
const config = presetConfig('tiny')
const task = loadTask(config.task.name, config)
const spec = createModel(task, config.model)
const plan = planShards(spec.params, config.shards.count)
const hotkey = encodeAddress(new Uint8Array(32).fill(7), 42)
const tensor = (name: string, values: number[]) => ({ name, shape: [values.length], data: new Float32Array(values) })

describe('withUnusedDelta', () => {
  test('default: the delta is added to the residual by name', () => {
    const state: TrainState = {
      shard: 0,
      residual: [tensor('a', [1, 2]), tensor('b', [3])],
      optimizer: { step: 1, m: [], v: [] },
    }
    const out = withUnusedDelta(state, [tensor('b', [0.5]), tensor('a', [-1, 1])])
    expect(out?.residual.map((t) => [...t.data])).toEqual([[0, 3], [3.5]])
    expect([...state.residual[0].data]).toEqual([1, 2])
    expect(withUnusedDelta(state, [tensor('a', [1, 2, 3]), tensor('b', [1])])).toBeUndefined()
  })
})

describe('restoreUnusedDelta', () => {
  test('behavior: a delta the checkpoint did not use goes back into its shard residual, once; a used one does not', async () => {
    const storage = createMemoryStorage()
    const store = createStateStore(dir)
    const params = initParams(spec, 1)
    const shardParams = shardTensors(params, plan, 1)
    const zeros = shardParams.map((t) => ({ ...t, data: new Float32Array(t.data.length) }))
    const sent = shardParams.map((t) => ({ ...t, data: t.data.map((x, i) => (i % 3 === 0 ? x : 0)) }))
    const file = encodeDelta(compressDelta(sent, undefined, config.compress).compressed, {
      task: config.task.name,
      round: 4,
      shard: 1,
      baseCid: 'bafybase',
      hotkey,
    })
    const cid = (await storage.add(file)).toString()
    const train: TrainState = { shard: 1, residual: zeros, optimizer: { step: 8, m: zeros, v: zeros } }
    const state = await store.load({ netuid: 1, hotkey })
    state.trains = [{ file: await store.saveTrain(4, train), shard: 1, round: 4 }]
    state.rounds = [{ round: 4, shard: 1, baseCid: 'bafybase', cid }]
    const ctx = {
      state,
      store,
      storage,
      plan,
      spec,
      view: { config },
      pair: { address: hotkey },
      log: silentLogger,
      signal: new AbortController().signal,
    } as unknown as MinerContext
    const manifest = (deltas: { uid: number; hotkey: string; shard: number; cid: string; weight: number }[]) =>
      buildManifest({ task, config, netuid: 1, round: 4, parent: cid, deltas, reportLoss: 4 })
    const residualSum = async () =>
      (await store.loadTrain(state, 1))!.residual.reduce((s, t) => s + t.data.reduce((a, b) => a + Math.abs(b), 0), 0)

    // Used (listed in the manifest): nothing changes.
    await restoreUnusedDelta(ctx, manifest([{ uid: 3, hotkey, shard: 1, cid, weight: 1 }]))
    expect(await residualSum()).toBe(0)
    // Not used: the residual now holds what the file carried, and the entry remembers it.
    await restoreUnusedDelta(ctx, manifest([]))
    const once = await residualSum()
    expect(once).toBeGreaterThan(0)
    expect(state.rounds[0].restored).toBe(true)
    expect((await store.load({ netuid: 1, hotkey })).rounds[0].restored).toBe(true)
    await restoreUnusedDelta(ctx, manifest([]))
    expect(await residualSum()).toBe(once)
  })
})
