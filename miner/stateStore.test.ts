import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { MinerStateError } from './errors.ts'
import {
  alignTensors,
  createStateStore,
  type MinerState,
  type TrainState,
  withTrainFile,
  writeAtomic,
} from './stateStore.ts'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'miner-state-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

const who = { netuid: 3, hotkey: '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY' }
const tensor = (name: string, values: number[]) => ({ name, shape: [values.length], data: new Float32Array(values) })
const train: TrainState = {
  shard: 1,
  residual: [tensor('h.0.w', [0.5, -0.25]), tensor('h.0.b', [1])],
  optimizer: {
    step: 8,
    m: [tensor('h.0.w', [1, 2]), tensor('h.0.b', [3])],
    v: [tensor('h.0.w', [4, 5]), tensor('h.0.b', [6])],
  },
}

describe('createStateStore', () => {
  it('default: a fresh folder gives an empty state; a saved state and training state read back equal', async () => {
    const store = createStateStore(dir)
    const state = await store.load(who)
    expect(state).toEqual({ v: 1, ...who, rounds: [] })
    const file = await store.saveTrain(4, train)
    const next: MinerState = {
      ...state,
      trains: [{ file, shard: 1, round: 4 }],
      rounds: [{ round: 4, shard: 1, baseCid: 'bafybase', cid: 'bafydelta', committedAt: 60 }],
    }
    await store.save(next)
    const again = createStateStore(dir)
    const loaded = await again.load(who)
    expect(loaded).toEqual(next)
    expect(await again.loadTrain(loaded, 0)).toBeUndefined()
    const t = await again.loadTrain(loaded, 1)
    expect(t?.optimizer.step).toBe(8)
    expect(alignTensors(t?.residual ?? [], train.residual)?.map((x) => [...x.data])).toEqual([[0.5, -0.25], [1]])
    expect(alignTensors(t?.optimizer.v ?? [], train.optimizer.v)?.[0].data).toEqual(new Float32Array([4, 5]))
    expect(t?.sent).toBeUndefined()
  })

  it('behavior: the delta sent last (for the eager start of a pipelined round) reads back with its round and scale', async () => {
    const store = createStateStore(dir)
    const state = await store.load(who)
    const sent = { round: 6, delta: [tensor('h.0.w', [0.125, 0]), tensor('h.0.b', [-2])] }
    const file = await store.saveTrain(6, { ...train, sent, eagerScale: 0.625 })
    const t = await store.loadTrain({ ...state, trains: [{ file, shard: 1, round: 6 }] }, 1)
    expect(t?.sent?.round).toBe(6)
    expect(t?.eagerScale).toBe(0.625)
    expect(alignTensors(t?.sent?.delta ?? [], sent.delta)?.map((x) => [...x.data])).toEqual([[0.125, 0], [-2]])
  })

  it('behavior: writes are atomic — no temp file is left, and prune drops training files no longer referenced', async () => {
    const store = createStateStore(dir)
    const state = await store.load(who)
    const old = await store.saveTrain(1, train)
    const file = await store.saveTrain(2, train)
    await writeFile(join(dir, 'miner-state.json.dead.tmp'), 'half a file')
    state.trains = [{ file, shard: 1, round: 2 }]
    await store.save(state)
    await store.prune(state)
    const names = await readdir(dir)
    expect(names.sort()).toEqual(['miner-state.json', file].sort())
    expect(names).not.toContain(old)
    await writeAtomic(join(dir, 'x.json'), '{"a":1}')
    expect(await readFile(join(dir, 'x.json'), 'utf8')).toBe('{"a":1}')
  })

  it('behavior: one training state per shard — a new round of a shard replaces its file, the other shard keeps its own', async () => {
    const store = createStateStore(dir)
    let state = await store.load(who)
    const a = await store.saveTrain(1, train)
    const b = await store.saveTrain(2, { ...train, shard: 0 })
    const c = await store.saveTrain(3, train)
    state = withTrainFile(state, { file: a, shard: 1, round: 1 })
    state = withTrainFile(state, { file: b, shard: 0, round: 2 })
    state = withTrainFile(state, { file: c, shard: 1, round: 3 })
    expect(state.trains).toEqual([
      { file: b, shard: 0, round: 2 },
      { file: c, shard: 1, round: 3 },
    ])
    await store.save(state)
    await store.prune(state)
    expect((await readdir(dir)).sort()).toEqual(['miner-state.json', b, c].sort())
    expect((await store.loadTrain(state, 0))?.shard).toBe(0)
    await writeFile(
      join(dir, 'miner-state.json'),
      JSON.stringify({ ...state, trains: [state.trains![0], state.trains![0]] }),
    )
    await expect(store.load(who)).rejects.toThrow(/one training state per shard/)
  })

  it("behavior: a state written before per-shard training state (one `train` file) reads as that shard's state", async () => {
    const store = createStateStore(dir)
    const file = await store.saveTrain(4, train)
    await writeFile(
      join(dir, 'miner-state.json'),
      JSON.stringify({ v: 1, ...who, train: { file, shard: 1, round: 4 }, rounds: [] }),
    )
    const state = await store.load(who)
    expect(state.trains).toEqual([{ file, shard: 1, round: 4 }])
    expect((await store.loadTrain(state, 1))?.optimizer.step).toBe(8)
  })

  it('behavior: a residual of another shape is not applied', () => {
    expect(alignTensors([tensor('h.0.w', [1, 2, 3])], [tensor('h.0.w', [0, 0])])).toBeUndefined()
    expect(alignTensors([tensor('h.1.w', [1, 2])], [tensor('h.0.w', [0, 0])])).toBeUndefined()
  })

  it('error: a corrupt file, or one of another hotkey or subnet, is refused with a reason', async () => {
    const store = createStateStore(dir)
    await store.save({ v: 1, ...who, rounds: [] })
    await expect(store.load({ ...who, netuid: 4 })).rejects.toThrow(/belongs to subnet 3/)
    await expect(store.load({ ...who, hotkey: 'someone-else' })).rejects.toThrow(MinerStateError)
    await writeFile(join(dir, 'miner-state.json'), '{"v":1,"netuid":3')
    await expect(store.load(who)).rejects.toThrow(/not JSON/)
    await writeFile(join(dir, 'miner-state.json'), JSON.stringify({ v: 1, ...who, rounds: [{ round: -1 }] }))
    await expect(store.load(who)).rejects.toThrow(/rounds\.0/)
    const state: MinerState = {
      v: 1,
      ...who,
      rounds: [],
      trains: [{ file: 'train-state-r9.safetensors', shard: 0, round: 9 }],
    }
    await writeFile(join(dir, 'train-state-r9.safetensors'), 'garbage')
    await expect(store.loadTrain(state, 0)).rejects.toThrow(MinerStateError)
  })
})
