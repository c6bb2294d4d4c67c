import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { compressDelta, encodeCheckpoint, encodeDelta } from '../shared/codec/index.ts'
import type { NamedTensor } from '../shared/tensor.ts'
import { testDir } from './helpers/testDir.ts'

// Our files must load in the reference reader, Python's `safetensors` (the Rust library), unchanged.
// It is not a dependency: Debian 12 has no python3-safetensors package, so this test runs only
// where someone installed it (pip install safetensors numpy) and is skipped, with the reason in its
// name, everywhere else.

function probe(): string | undefined {
  const r = spawnSync('python3', ['-c', 'import safetensors.numpy, numpy'], { encoding: 'utf8', timeout: 20_000 })
  if (r.error) return 'python3 not found'
  if (r.status !== 0) return 'python3 cannot import safetensors and numpy'
  return undefined
}

const missing = probe()
const skipNote = missing ? ` (skipped: ${missing}; pip install safetensors numpy to run it)` : ''
// Made only when the test runs: a file whose tests are all skipped runs no afterAll hook, so nothing would remove it.
const dir = missing === undefined ? testDir('crowdtrain-codec-py-') : ''

const READER = `
import json, sys
import numpy as np
from safetensors import safe_open
from safetensors.numpy import load_file
out = {}
for path in sys.argv[1:]:
    tensors = load_file(path)
    with safe_open(path, framework="numpy") as f:
        meta = f.metadata()
    out[path] = {
        "metadata": meta,
        "tensors": {k: {"dtype": str(v.dtype), "shape": list(v.shape), "sum": float(np.asarray(v, dtype=np.float64).sum()),
                        "first": float(v.reshape(-1)[0]) if v.size else None} for k, v in tensors.items()},
    }
print(json.dumps(out))
`

const model: NamedTensor[] = [
  { name: 'wte', shape: [96, 32], data: Float32Array.from({ length: 3072 }, (_, i) => Math.sin(i) * 0.1) },
  { name: 'ln.g', shape: [32], data: Float32Array.from({ length: 32 }, (_, i) => 1 + i * 1e-3) },
]

function sum(data: ArrayLike<number>): number {
  let s = 0
  for (let i = 0; i < data.length; i++) s += data[i]
  return s
}

describe('Python safetensors reads our files', () => {
  test.skipIf(Boolean(missing))(`behavior: a checkpoint and a delta load unchanged${skipNote}`, () => {
    const ckpt = join(dir, 'model.safetensors')
    const delta = join(dir, 'delta.safetensors')
    writeFileSync(ckpt, encodeCheckpoint(model, { round: '1', task: 'moby-char' }))
    const { compressed } = compressDelta(model, undefined, { rank: 0, density: 0.01, bits: 8, chunk: 4096 })
    const meta = { task: 'moby-char', round: 1, shard: 0, baseCid: 'bafkreibase', hotkey: '5Hot' }
    writeFileSync(delta, encodeDelta(compressed, meta))
    const r = spawnSync('python3', ['-c', READER, ckpt, delta], { encoding: 'utf8', timeout: 60_000 })
    expect(r.status, r.stderr).toBe(0)
    const out = JSON.parse(r.stdout)
    expect(out[ckpt].metadata).toEqual({ round: '1', task: 'moby-char' })
    expect(out[ckpt].tensors.wte).toMatchObject({ dtype: 'float32', shape: [96, 32], first: model[0].data[0] })
    expect(out[ckpt].tensors.wte.sum).toBeCloseTo(sum(model[0].data), 6)
    expect(out[delta].metadata.base_cid).toBe('bafkreibase')
    // Format v2: packed U8 streams (8-bit values are stored one per byte as q + 127).
    expect(out[delta].tensors.indices.dtype).toBe('uint8')
    expect(out[delta].tensors.values.dtype).toBe('uint8')
    expect(out[delta].tensors.factors.dtype).toBe('uint8')
    expect(out[delta].tensors.scales.shape).toEqual([2])
    const values = compressed.tensors.flatMap((t) => [...t.values].map((q) => q + 127))
    expect(out[delta].tensors.values.sum).toBe(sum(values))
  })
})
