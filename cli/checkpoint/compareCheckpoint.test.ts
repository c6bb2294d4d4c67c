import { describe, expect, test } from 'vitest'
import type { ParsedCheckpoint } from '../../shared/checkpoint/index.ts'
import type { NamedTensor } from '../../shared/tensor.ts'
import { compareCheckpoint } from './compareCheckpoint.ts'

const tensor = (name: string, values: number[]): NamedTensor => ({
  name,
  shape: [values.length],
  data: Float32Array.from(values),
})
const manifest = (reportLoss: number) => ({ round: 1, reportLoss })
const filesOf = (model: number[], reportLoss: number) => [
  { path: 'model.safetensors', content: new Uint8Array(Float32Array.from(model).buffer) },
  { path: 'manifest.json', content: new TextEncoder().encode(JSON.stringify(manifest(reportLoss))) },
]
const expected = {
  files: filesOf([1, 2, 3], 4.5),
  params: [tensor('a', [1]), tensor('b', [2, 3])],
  momentum: [tensor('a', [0]), tensor('b', [0, 0])],
}
const parsed = (b: number[], reportLoss: number) =>
  ({
    manifest: manifest(reportLoss),
    params: [tensor('a', [1]), tensor('b', b)],
    momentum: expected.momentum,
  }) as unknown as ParsedCheckpoint

describe('compareCheckpoint', () => {
  test('default: local files that are the recomputed ones pass without a tensor comparison', async () => {
    const files = filesOf([1, 2, 3], 4.5)
    const out = await compareCheckpoint(expected, 'never read', { cid: 'x', what: 'the checkpoint in d', files })
    expect(out).toMatchObject({ ok: true, tensors: [] })
  })

  test('behavior: different local files name the tensor and the manifest fields that differ', async () => {
    const files = filesOf([1, 2, 9], 4.6)
    const out = await compareCheckpoint(expected, parsed([2, 9], 4.6), { cid: 'x', what: 'the checkpoint in d', files })
    expect(out.ok).toBe(false)
    expect(out.tensors).toEqual([expect.objectContaining({ name: 'b', file: 'model.safetensors', index: 1 })])
    expect(out.detail).toMatch(/model\.safetensors: tensor "b" differs in 1 value\(s\)/)
    expect(out.detail).toMatch(/manifest\.json: reportLoss differ/)
  })

  test('behavior: a published CID that differs is explained with the reason the files could not be read', async () => {
    const out = await compareCheckpoint(expected, async () => 'it could not be fetched', {
      cid: 'bafkreiaaaa',
      what: 'the published checkpoint',
    })
    expect(out).toMatchObject({ ok: false, tensors: [] })
    expect(out.detail).toMatch(/^the published checkpoint \(bafkreiaaaa\) differs .*: it could not be fetched$/)
  })
})
