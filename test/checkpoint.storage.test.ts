import { beforeAll, describe, expect, test } from 'vitest'
import { initBackend } from '../shared/backend/index.ts'
import {
  type GenesisCheckpoint,
  genesisCheckpoint,
  InvalidCheckpointError,
  loadCheckpoint,
} from '../shared/checkpoint/index.ts'
import { presetConfig } from '../shared/config/index.ts'
import { silentLogger } from '../shared/logger/index.ts'
import { ContentTooLargeError, createMemoryStorage } from '../shared/storage/index.ts'
import { loadTask, type Task } from '../shared/tasks/index.ts'

const config = presetConfig('tiny')
let task: Task
let genesis: GenesisCheckpoint

beforeAll(async () => {
  task = loadTask(config.task.name, config)
  genesis = await genesisCheckpoint(config, task, { backend: await initBackend('wasm', silentLogger), netuid: 1 })
})

describe('checkpoint in storage', () => {
  test('default', async () => {
    const storage = createMemoryStorage()
    const cid = (await storage.add(genesis.files)).toString()
    const loaded = await loadCheckpoint(storage, cid, { config, task })
    expect(loaded.cid).toBe(cid)
    expect(loaded.manifest.round).toBe(-1)
    expect(loaded.params.map((t) => t.data)).toEqual(genesis.params.map((t) => t.data))
  })

  test('behavior: two stores (two validators) give the genesis the same CID', async () => {
    const backend = await initBackend('wasm', silentLogger)
    const again = await genesisCheckpoint(config, task, { backend, netuid: 1 })
    const a = await createMemoryStorage().add(genesis.files)
    const b = await createMemoryStorage().add(again.files)
    expect(a.toString()).toBe(b.toString())
    expect(a.version).toBe(1)
  })

  test('error: a directory with other files, or a file above the cap, is refused', async () => {
    const storage = createMemoryStorage()
    const extra = await storage.add([...genesis.files, { path: 'README.md', content: new Uint8Array([1]) }])
    await expect(loadCheckpoint(storage, extra.toString(), { config, task })).rejects.toThrow(InvalidCheckpointError)
    const cid = (await storage.add(genesis.files)).toString()
    await expect(loadCheckpoint(storage, cid, { config, task, maxBytes: 1000 })).rejects.toThrow(ContentTooLargeError)
  })
})
