import { describe, expect, test } from 'vitest'
import {
  CodecError,
  compressDelta,
  decodeCheckpoint,
  decodeDelta,
  decodeSafetensors,
  encodeCheckpoint,
  encodeDelta,
} from '../shared/codec/index.ts'
import type { NamedTensor } from '../shared/tensor.ts'

// Thousands of random and mutated files through the decoders: each must either decode or throw a
// CodecError (a typed reason) — never another exception, never a hang.

function prng(seed: number): (n: number) => number {
  let s = seed >>> 0
  return (n) => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = Math.imul(s ^ (s >>> 15), s | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return (((t ^ (t >>> 14)) >>> 0) / 4294967296) * n
  }
}
const rand = prng(20261124)
const int = (n: number): number => Math.floor(rand(n))

const shard: NamedTensor[] = [
  { name: 'a.w', shape: [24, 16], data: Float32Array.from({ length: 384 }, (_, i) => Math.sin(i) * 0.01) },
  { name: 'a.b', shape: [16], data: Float32Array.from({ length: 16 }, (_, i) => i * 1e-3) },
  { name: 'b.w', shape: [16, 8], data: Float32Array.from({ length: 128 }, (_, i) => Math.cos(i * 3) * 0.02) },
]
const shapes = shard.map((t) => ({ name: t.name, shape: t.shape }))
const meta = { task: 'moby-char', round: 2, shard: 0, baseCid: 'bafkreibase', hotkey: '5Hot' }
const delta = encodeDelta(
  compressDelta(shard, undefined, { rank: 2, density: 0.1, bits: 6, chunk: 100 }).compressed,
  meta,
)
const checkpoint = encodeCheckpoint(shard, { round: '2' })

function headerLength(bytes: Uint8Array): number {
  return Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true))
}

function withHeader(bytes: Uint8Array, header: string, keepLength = false): Uint8Array {
  const n = headerLength(bytes)
  const json = new TextEncoder().encode(header)
  const out = new Uint8Array(8 + json.length + bytes.length - 8 - n)
  new DataView(out.buffer).setBigUint64(0, BigInt(keepLength ? n : json.length), true)
  out.set(json, 8)
  out.set(bytes.subarray(8 + n), 8 + json.length)
  return out
}

// Changes one leaf of the JSON header (a number, a string, an array) and rewrites it.
function editHeader(bytes: Uint8Array): Uint8Array {
  const n = headerLength(bytes)
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)))
  const keys = Object.keys(header)
  const entry = header[keys[int(keys.length)]]
  const fields = Object.keys(entry)
  const field = fields[int(fields.length)]
  const choices: unknown[] = [
    -1,
    0,
    1,
    2 ** 53,
    1e308,
    'F32',
    'I8',
    'BF16',
    'Q9',
    '',
    null,
    [],
    [0],
    [1, 2, 3],
    [0, 1e9],
    { x: 1 },
    '[["a.w",[24,16]]]',
    'NaN',
  ]
  if (Array.isArray(entry[field]) && entry[field].length > 0 && rand(1) < 0.5) {
    entry[field][int(entry[field].length)] += int(9) - 4
  } else {
    entry[field] = choices[int(choices.length)]
  }
  return withHeader(bytes, JSON.stringify(header), rand(1) < 0.2)
}

function mutate(bytes: Uint8Array): Uint8Array {
  const kind = int(7)
  const out = new Uint8Array(bytes)
  const n = headerLength(bytes)
  switch (kind) {
    case 0: // random bytes
      return Uint8Array.from({ length: int(200) }, () => int(256))
    case 1: // bit flips anywhere
      for (let k = 1 + int(8); k > 0; k--) out[int(out.length)] ^= 1 << int(8)
      return out
    case 2: // bit flips in the header
      for (let k = 1 + int(3); k > 0; k--) out[8 + int(n)] ^= 1 << int(8)
      return out
    case 3: // truncation
      return out.subarray(0, int(out.length))
    case 4: // a random header length
      new DataView(out.buffer).setBigUint64(0, BigInt(int(2 ** 31)) * BigInt(int(3)), true)
      return out
    case 5: // extra bytes at the end
      return Uint8Array.from([...out, ...Array.from({ length: 1 + int(16) }, () => int(256))])
    default:
      return editHeader(bytes)
  }
}

function outcome(run: () => unknown): 'ok' | 'typed' {
  try {
    run()
    return 'ok'
  } catch (err) {
    if (!(err instanceof CodecError)) throw err
    expect(err.shortMessage.length).toBeGreaterThan(10)
    return 'typed'
  }
}

describe('codec decoders under fuzzing', () => {
  test('behavior: 3,000 mutated deltas decode or fail with a typed error', () => {
    const counts = { ok: 0, typed: 0 }
    for (let i = 0; i < 3000; i++) {
      const bytes = mutate(delta)
      counts[outcome(() => decodeDelta(bytes, { shapes, maxBytes: 1 << 16, maxNorm: 10, ...meta }))]++
    }
    expect(counts.typed).toBeGreaterThan(2000)
  })

  test('behavior: 2,000 mutated checkpoints and safetensors files decode or fail with a typed error', () => {
    const counts = { ok: 0, typed: 0 }
    for (let i = 0; i < 2000; i++) {
      const bytes = mutate(checkpoint)
      counts[outcome(() => decodeCheckpoint(bytes, { shapes, maxBytes: 1 << 16 }))]++
      outcome(() => decodeSafetensors(bytes, { maxBytes: 1 << 16 }))
    }
    expect(counts.typed).toBeGreaterThan(1000)
  })
})
