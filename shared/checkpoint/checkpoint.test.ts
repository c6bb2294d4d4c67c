import { beforeAll, describe, expect, test } from 'vitest'
import { type Backend, initBackend } from '../backend/index.ts'
import { presetConfig } from '../config/index.ts'
import { silentLogger } from '../logger/index.ts'
import { loadTask, type Task } from '../tasks/index.ts'
import { buildCheckpointFiles } from './buildCheckpointFiles.ts'
import { InvalidCheckpointError, InvalidCheckpointInputError } from './errors.ts'
import { type GenesisCheckpoint, genesisCheckpoint } from './genesisCheckpoint.ts'
import { CHECKPOINT_FILES } from './manifest.ts'
import { parseCheckpoint } from './parseCheckpoint.ts'

const config = presetConfig('tiny')
const cid = 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy'
let backend: Backend
let task: Task
let genesis: GenesisCheckpoint

beforeAll(async () => {
  backend = await initBackend('wasm', silentLogger)
  task = loadTask(config.task.name, config)
  genesis = await genesisCheckpoint(config, task, { backend, netuid: 3 })
})

const edit = (files: { path: string; content: Uint8Array }[], path: string, content: Uint8Array) =>
  files.map((f) => (f.path === path ? { path, content } : f))
const manifestOf = (files: { path: string; content: Uint8Array }[]) =>
  JSON.parse(new TextDecoder().decode(files.find((f) => f.path === CHECKPOINT_FILES.manifest)!.content))
const json = (v: unknown) => new TextEncoder().encode(JSON.stringify(v))

describe('checkpoint files', () => {
  test('default', async () => {
    const parsed = parseCheckpoint(genesis.files, { config, task })
    expect(parsed.manifest).toMatchObject({ v: 1, task: 'moby-char', round: -1, parent: null, deltas: [] })
    expect(parsed.manifest.created).toEqual({ netuid: 3 })
    // An untrained character model scores about ln(vocab) nats on the report pages.
    expect(parsed.manifest.reportLoss).toBeGreaterThan(4)
    expect(parsed.manifest.reportLoss).toBeLessThan(5)
    expect(parsed.params.map((t) => t.name)).toEqual(genesis.params.map((t) => t.name))
    expect(parsed.params[0].data).toEqual(genesis.params[0].data)
    expect(parsed.momentum.every((t) => t.data.every((x) => x === 0))).toBe(true)
  })

  test('behavior: the same inputs give the same bytes, deltas written by ascending uid', async () => {
    const build = (order: number[]) =>
      buildCheckpointFiles({
        task,
        config,
        netuid: 3,
        round: 0,
        parent: cid,
        params: genesis.params,
        momentum: genesis.momentum,
        deltas: order.map((uid) => ({ uid, hotkey: `h${uid}`, shard: uid % 2, cid, weight: 0.5 })),
        reportLoss: 4.1234567,
      })
    const a = build([2, 1])
    const b = build([1, 2])
    expect(a.map((f) => f.path)).toEqual(b.map((f) => f.path))
    for (const [i, f] of a.entries()) expect(Buffer.compare(f.content, b[i].content)).toBe(0)
    expect(manifestOf(a).deltas.map((d: { uid: number }) => d.uid)).toEqual([1, 2])
    expect(manifestOf(a).reportLoss).toBe(4.123457)
  })

  test('error: tensors that are not the model are refused when building', async () => {
    const base = { task, config, netuid: 3, round: -1, parent: null, deltas: [], reportLoss: 1 }
    expect(() =>
      buildCheckpointFiles({ ...base, params: genesis.params.slice(1), momentum: genesis.momentum }),
    ).toThrow(InvalidCheckpointInputError)
    const nan = genesis.params.map((t, i) =>
      i === 0 ? { ...t, data: new Float32Array(t.data.length).fill(Number.NaN) } : t,
    )
    expect(() => buildCheckpointFiles({ ...base, params: nan, momentum: genesis.momentum })).toThrow(
      InvalidCheckpointInputError,
    )
  })

  test('error: bad shapes, NaN, unknown manifest keys and a foreign config are refused when parsing', async () => {
    const other = await genesisCheckpoint({ ...config, model: { ...config.model, width: 16 } }, task, {
      backend,
      netuid: 3,
    })
    const wrongShape = edit(genesis.files, CHECKPOINT_FILES.model, other.files[0].content)
    expect(() => parseCheckpoint(wrongShape, { config, task })).toThrow(InvalidCheckpointError)

    const modelBytes = new Uint8Array(genesis.files[0].content)
    new DataView(modelBytes.buffer).setFloat32(modelBytes.length - 4, Number.NaN, true)
    expect(() => parseCheckpoint(edit(genesis.files, CHECKPOINT_FILES.model, modelBytes), { config, task })).toThrow(
      /not finite|NaN|non-finite/i,
    )

    const extraKey = { ...manifestOf(genesis.files), signedBy: 'me' }
    expect(() =>
      parseCheckpoint(edit(genesis.files, CHECKPOINT_FILES.manifest, json(extraKey)), { config, task }),
    ).toThrow(InvalidCheckpointError)

    const partialConfig = { ...manifestOf(genesis.files), config: { model: config.model } }
    expect(() =>
      parseCheckpoint(edit(genesis.files, CHECKPOINT_FILES.manifest, json(partialConfig)), { config, task }),
    ).toThrow(InvalidCheckpointError)

    expect(() =>
      parseCheckpoint(genesis.files, { config: { ...config, outer: { ...config.outer, lr: 0.5 } }, task }),
    ).toThrow(/config differs/)
    expect(() => parseCheckpoint(genesis.files.slice(1), { config, task })).toThrow(/missing/)
  })
})
