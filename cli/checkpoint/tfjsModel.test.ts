import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { type Backend, initBackend } from '../../shared/backend/index.ts'
import { silentLogger } from '../../shared/logger/index.ts'
import type { NamedTensor } from '../../shared/tensor.ts'
import { InvalidTfjsModelError } from './errors.ts'
import { buildTfjsModel, loadTfjsModel, parseTfjsModel, TFJS_MODEL_JSON, writeTfjsModel } from './tfjsModel.ts'

const tensors: NamedTensor[] = [
  { name: 'wte', shape: [3, 4], data: Float32Array.from({ length: 12 }, (_, i) => i / 7 - 0.5) },
  { name: 'h.0.ln.g', shape: [4], data: Float32Array.from([1, -0, 2.5e-8, -3]) },
  { name: 'scalar', shape: [], data: Float32Array.from([42]) },
]
const dirs: string[] = []
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true })
})

const asMap = (files: { path: string; content: Uint8Array }[]) => new Map(files.map((f) => [f.path, f.content]))

describe('tfjsModel', () => {
  test('default: written to a directory and loaded back, the same tensors and metadata', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tfjs-'))
    dirs.push(dir)
    await writeTfjsModel(dir, buildTfjsModel({ tensors, metadata: { task: 'moby-char', round: 3 } }))
    const back = await loadTfjsModel(dir)
    expect(back.metadata).toEqual({ task: 'moby-char', round: 3 })
    expect(back.tensors.map((t) => [t.name, t.shape])).toEqual(tensors.map((t) => [t.name, t.shape]))
    for (const [i, t] of back.tensors.entries())
      expect(Buffer.from(t.data.buffer)).toEqual(Buffer.from(tensors[i].data.buffer))
  })

  test("behavior: tfjs's own decodeWeights reads the weight files with the model.json manifest", async () => {
    const backend: Backend = await initBackend('cpu', silentLogger)
    const files = buildTfjsModel({ tensors, metadata: {}, shardBytes: 20 })
    const json = JSON.parse(new TextDecoder().decode(files[0].content))
    expect(json.weightsManifest[0].paths).toHaveLength(4)
    const bytes = Buffer.concat(files.slice(1).map((f) => f.content))
    const decoded = backend.tf.io.decodeWeights(new Uint8Array(bytes).buffer, json.weightsManifest[0].weights)
    for (const t of tensors) {
      expect(decoded[t.name].shape).toEqual(t.shape)
      expect(Array.from(decoded[t.name].dataSync())).toEqual(Array.from(t.data))
    }
  })

  test('behavior: weights split over several files are joined in order', () => {
    const files = buildTfjsModel({ tensors, metadata: {}, shardBytes: 8 })
    expect(files.length).toBeGreaterThan(3)
    expect(parseTfjsModel(asMap(files)).tensors[0].data).toEqual(tensors[0].data)
  })

  test('error: a weight file of the wrong size, a missing one, or a non-float32 dtype', () => {
    const files = buildTfjsModel({ tensors, metadata: {} })
    const short = asMap(files)
    short.set('group1-shard1of1.bin', files[1].content.subarray(4))
    expect(() => parseTfjsModel(short)).toThrow(/hold 64 bytes, not 68/)
    const gone = asMap(files)
    gone.delete('group1-shard1of1.bin')
    expect(() => parseTfjsModel(gone)).toThrow(/group1-shard1of1.bin is missing/)
    const json = JSON.parse(new TextDecoder().decode(files[0].content))
    json.weightsManifest[0].weights[0].dtype = 'int32'
    const int = asMap(files)
    int.set(TFJS_MODEL_JSON, new TextEncoder().encode(JSON.stringify(json)))
    expect(() => parseTfjsModel(int)).toThrow(InvalidTfjsModelError)
  })

  test('error: a path that leaves the directory is refused before anything is read', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tfjs-'))
    dirs.push(dir)
    const json = { weightsManifest: [{ paths: ['../secret'], weights: [] }] }
    await writeFile(join(dir, TFJS_MODEL_JSON), JSON.stringify(json))
    await expect(loadTfjsModel(dir)).rejects.toThrow(/a plain file name/)
  })
})
