import { describe, expect, test } from 'vitest'
import type { NamedTensor } from '../tensor.ts'
import { indexBits, packBits, unpackBits } from './bitPack.ts'
import { decodeCheckpoint, decodeDelta } from './decode.ts'
import { compressDelta, decompressDelta } from './delta.ts'
import { encodeDelta } from './deltaFile.ts'
import { encodeCheckpoint } from './encodeCheckpoint.ts'
import {
  BadMetadataError,
  type CodecError,
  DtypeMismatchError,
  HeaderTooLongError,
  IndexOrderError,
  IndexOutOfRangeError,
  InvalidScaleError,
  MetadataMismatchError,
  NonFiniteValueError,
  NonZeroPaddingError,
  NormTooLargeError,
  OversizeError,
  QuantizedValueOutOfRangeError,
  ShapeMismatchError,
  TensorSetMismatchError,
  TruncatedError,
  UnknownDtypeError,
  UnsupportedFormatError,
} from './errors.ts'
import { decodeSafetensors, encodeSafetensors, type SafeTensor } from './safetensors.ts'

const opts = { rank: 0, density: 0.05, bits: 8, chunk: 64 }
const meta = { task: 'moby-char', round: 7, shard: 1, baseCid: 'bafkreibase', hotkey: '5FHneW46' }

function shard(): NamedTensor[] {
  const make = (name: string, shape: number[], f: (i: number) => number): NamedTensor => {
    const data = new Float32Array(shape.reduce((a, b) => a * b, 1))
    for (let i = 0; i < data.length; i++) data[i] = f(i)
    return { name, shape, data }
  }
  return [
    make('b0.w', [16, 20], (i) => Math.sin(i * 1.7) * 1e-2),
    make('b0.g', [20], (i) => (i % 3) * 1e-3 - 1e-3),
    make('b1.w', [20, 10], (i) => Math.cos(i * 0.3) * 2e-2),
  ]
}

const delta = shard()
const shapes = delta.map((t) => ({ name: t.name, shape: t.shape }))
const expectOk = { shapes, maxBytes: 1 << 20, maxNorm: 100, ...meta }
const compressed = compressDelta(delta, undefined, opts).compressed
const good = encodeDelta(compressed, meta)

/** Re-encodes the good file with its tensors or metadata edited (for malformed cases). */
function edit(change: (tensors: SafeTensor[], metadata: Record<string, string>) => void): Uint8Array {
  const file = decodeSafetensors(good)
  change(file.tensors, file.metadata)
  return encodeSafetensors(file.tensors, file.metadata)
}

/** Re-encodes the good file with its unpacked offsets (per chunk) and value fields (q + qmax) edited. */
function editStreams(change: (offsets: number[], fields: number[]) => void): Uint8Array {
  return edit((ts) => {
    const idx = tensor<Uint8Array>(ts, 'indices')
    const val = tensor<Uint8Array>(ts, 'values')
    const kept = compressed.tensors.reduce((n, t) => n + t.indices.length, 0)
    const offsets = [...unpackBits(idx.data, kept, indexBits(opts.chunk), 'indices')]
    const fields = [...unpackBits(val.data, kept, opts.bits, 'values')]
    change(offsets, fields)
    idx.data = packBits(offsets, indexBits(opts.chunk))
    val.data = packBits(fields, opts.bits)
  })
}

function tensor<T extends SafeTensor['data']>(ts: SafeTensor[], name: string): SafeTensor & { data: T } {
  return ts.find((t) => t.name === name) as SafeTensor & { data: T }
}

describe('decodeDelta', () => {
  test('default', () => {
    const out = decodeDelta(good, expectOk)
    expect(out.meta).toEqual({ ...meta, version: '2', ...opts })
    expect(out.delta).toEqual(decompressDelta(compressed))
    expect(out.compressed.tensors.map((t) => [...t.indices])).toEqual(compressed.tensors.map((t) => [...t.indices]))
    expect(out.norm).toBeGreaterThan(0)
  })

  test('behavior: factored matrices decode to what the miner sent; bad factor streams are refused', () => {
    const fopts = { ...opts, rank: 2 }
    const c = compressDelta(delta, undefined, fopts).compressed
    const file = encodeDelta(c, meta)
    const out = decodeDelta(file, expectOk)
    expect(out.meta.rank).toBe(2)
    expect(out.delta).toEqual(decompressDelta(c))
    const change = (f: (ts: SafeTensor[]) => void) => {
      const parsed = decodeSafetensors(file)
      f(parsed.tensors)
      return encodeSafetensors(parsed.tensors, parsed.metadata)
    }
    const short = change((ts) => {
      const t = tensor<Uint8Array>(ts, 'factors')
      Object.assign(t, { shape: [t.data.length - 1], data: t.data.slice(1) })
    })
    expect(() => decodeDelta(short, expectOk)).toThrow(ShapeMismatchError)
    const outOfRange = change((ts) => {
      tensor<Uint8Array>(ts, 'factors').data[0] = 255
    })
    expect(() => decodeDelta(outOfRange, expectOk)).toThrow(QuantizedValueOutOfRangeError)
    const negativeScale = change((ts) => {
      tensor<Float32Array>(ts, 'factor_scales').data[0] = -1
    })
    expect(() => decodeDelta(negativeScale, expectOk)).toThrow(InvalidScaleError)
  })

  test('behavior: expectations left out are not checked', () => {
    const out = decodeDelta(good, { shapes, maxBytes: good.length, maxNorm: Number.POSITIVE_INFINITY })
    expect(out.meta.round).toBe(7)
  })

  test('behavior: empty tensors anywhere in the shard', () => {
    const withEmpty: NamedTensor[] = [
      { name: 'e0', shape: [0], data: new Float32Array(0) },
      delta[0],
      { name: 'e1', shape: [3, 0], data: new Float32Array(0) },
      delta[2],
      { name: 'e2', shape: [0], data: new Float32Array(0) },
    ]
    const c = compressDelta(withEmpty, undefined, opts).compressed
    const out = decodeDelta(encodeDelta(c, meta), {
      ...expectOk,
      shapes: withEmpty.map((t) => ({ name: t.name, shape: t.shape })),
    })
    expect(out.delta).toEqual(decompressDelta(c))
  })

  test('error: truncated', () => {
    expect(() => decodeDelta(good.subarray(0, good.length - 3), expectOk)).toThrow(TruncatedError)
    expect(() => decodeDelta(good.subarray(0, 4), expectOk)).toThrow(TruncatedError)
  })

  test('error: header too long', () => {
    const bytes = new Uint8Array(good)
    new DataView(bytes.buffer).setBigUint64(0, 1n << 40n, true)
    expect(() => decodeDelta(bytes, expectOk)).toThrow(HeaderTooLongError)
  })

  test('error: oversized', () => {
    expect(() => decodeDelta(good, { ...expectOk, maxBytes: good.length - 1 })).toThrow(OversizeError)
  })

  test('error: wrong and unknown dtypes', () => {
    const i8 = edit((ts) => {
      const t = tensor<Uint8Array>(ts, 'indices')
      Object.assign(t, { dtype: 'I8', data: new Int8Array(t.data) })
    })
    expect(() => decodeDelta(i8, expectOk)).toThrow(DtypeMismatchError)
    const unknown = new Uint8Array(good)
    const at = Buffer.from(unknown).indexOf('"dtype":"U8"')
    unknown[at + 9] = 'Q'.charCodeAt(0)
    expect(() => decodeDelta(unknown, expectOk)).toThrow(UnknownDtypeError)
  })

  test('error: wrong shapes or tensor set', () => {
    expect(() =>
      decodeDelta(good, { ...expectOk, shapes: [{ ...shapes[0], shape: [20, 16] }, ...shapes.slice(1)] }),
    ).toThrow(ShapeMismatchError)
    expect(() => decodeDelta(good, { ...expectOk, shapes: shapes.slice(1) })).toThrow(TensorSetMismatchError)
    expect(() => decodeDelta(good, { ...expectOk, shapes: [...shapes].reverse() })).toThrow(TensorSetMismatchError)
    const extra = edit((ts) => ts.push({ name: 'more', dtype: 'F32', shape: [1], data: new Float32Array(1) }))
    expect(() => decodeDelta(extra, expectOk)).toThrow(TensorSetMismatchError)
    const fewerScales = edit((ts) => {
      const t = tensor<Float32Array>(ts, 'scales')
      Object.assign(t, { shape: [t.data.length - 1], data: t.data.slice(1) })
    })
    expect(() => decodeDelta(fewerScales, expectOk)).toThrow(ShapeMismatchError)
  })

  test('error: an offset outside its chunk (the last chunk of b0.w is 64 long, b0.g has 20 values)', () => {
    // b0.w: 320 values = 5 chunks of 64, 4 kept each; b0.g: one chunk of 20, 1 kept; b1.w: 200 values.
    const bytes = editStreams((offsets) => {
      offsets[20] = 20
    })
    expect(() => decodeDelta(bytes, expectOk)).toThrow(IndexOutOfRangeError)
  })

  test('error: offsets of a chunk repeated or out of order', () => {
    const repeated = editStreams((offsets) => {
      offsets[1] = offsets[0]
    })
    expect(() => decodeDelta(repeated, expectOk)).toThrow(IndexOrderError)
    const swapped = editStreams((offsets) => {
      ;[offsets[0], offsets[1]] = [offsets[1], offsets[0]]
    })
    expect(() => decodeDelta(swapped, expectOk)).toThrow(IndexOrderError)
  })

  test('error: a packed stream of the wrong length, or with padding bits set', () => {
    const short = edit((ts) => {
      const t = tensor<Uint8Array>(ts, 'indices')
      Object.assign(t, { shape: [t.data.length - 1], data: t.data.slice(1) })
    })
    expect(() => decodeDelta(short, expectOk)).toThrow(ShapeMismatchError)
    // 5·4 + 1 + 4·3 + 8 = 41 kept values at 6 bits = 246 bits: the last byte has 2 padding bits.
    const padded = edit((ts) => {
      const t = tensor<Uint8Array>(ts, 'indices')
      t.data[t.data.length - 1] |= 0x80
    })
    expect(() => decodeDelta(padded, expectOk)).toThrow(NonZeroPaddingError)
  })

  test('error: a file made with a higher density than it declares', () => {
    const dense = compressDelta(delta, undefined, { ...opts, density: 0.5 }).compressed
    // More kept values than the declared density: the streams are longer than the layout says.
    const forged = edit((ts) => {
      const real = decodeSafetensors(encodeDelta({ ...dense }, meta)).tensors
      for (const name of ['indices', 'values', 'scales']) Object.assign(tensor(ts, name), tensor(real, name))
    })
    expect(() => decodeDelta(forged, expectOk)).toThrow(ShapeMismatchError)
  })

  test('error: NaN and Inf in scales or dequantized values', () => {
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY]) {
      const bytes = edit((ts) => {
        tensor<Float32Array>(ts, 'scales').data[2] = bad
      })
      expect(() => decodeDelta(bytes, expectOk)).toThrow(NonFiniteValueError)
    }
    const overflow = edit((ts) => {
      tensor<Float32Array>(ts, 'scales').data[0] = 3e38
    })
    expect(() => decodeDelta(overflow, expectOk)).toThrow(NonFiniteValueError)
    const negative = edit((ts) => {
      tensor<Float32Array>(ts, 'scales').data[0] = -1
    })
    expect(() => decodeDelta(negative, expectOk)).toThrow(InvalidScaleError)
  })

  test('error: a quantized value outside the bit width', () => {
    // Fields hold q + 127 at 8 bits: 255 would be q = 128, outside ±127.
    const bytes = editStreams((_, fields) => {
      fields[0] = 255
    })
    expect(() => decodeDelta(bytes, expectOk)).toThrow(QuantizedValueOutOfRangeError)
  })

  test('error: norm too large', () => {
    expect(() => decodeDelta(good, { ...expectOk, maxNorm: 1e-6 })).toThrow(NormTooLargeError)
  })

  test('error: metadata of another round, shard, task, base or hotkey', () => {
    for (const [k, v] of [
      ['round', 8],
      ['shard', 0],
      ['task', 'sotu-char'],
      ['baseCid', 'bafkother'],
      ['hotkey', '5X'],
    ]) {
      expect(() => decodeDelta(good, { ...expectOk, [k]: v })).toThrow(MetadataMismatchError)
    }
    expect(() => decodeDelta(good, { ...expectOk, compress: { bits: 4 } })).toThrow(MetadataMismatchError)
  })

  test('error: missing, malformed or unsupported metadata', () => {
    const cases: [(m: Record<string, string>) => void, new (...a: never[]) => CodecError][] = [
      [(m) => delete m.hotkey, BadMetadataError],
      [(m) => Object.assign(m, { round: '07' }), BadMetadataError],
      [(m) => Object.assign(m, { density: ' 0.05' }), BadMetadataError],
      [(m) => Object.assign(m, { bits: '12' }), BadMetadataError],
      [(m) => Object.assign(m, { base_cid: 'not a cid' }), BadMetadataError],
      [(m) => Object.assign(m, { tensors: '[["b0.w",[16,"20"]]]' }), BadMetadataError],
      [(m) => Object.assign(m, { version: '1' }), UnsupportedFormatError],
      [(m) => Object.assign(m, { format: 'something-else' }), UnsupportedFormatError],
    ]
    for (const [change, error] of cases)
      expect(() =>
        decodeDelta(
          edit((_, m) => change(m)),
          expectOk,
        ),
      ).toThrow(error)
  })
})

describe('decodeCheckpoint', () => {
  const model = shard()
  const bytes = encodeCheckpoint(model, { round: '3' })

  test('default', () => {
    const out = decodeCheckpoint(bytes, { shapes, maxBytes: 1 << 20 })
    expect(out.meta).toEqual({ round: '3' })
    expect(out.tensors).toEqual(model)
  })

  test('error: wrong shape, set, dtype, non-finite values, oversize', () => {
    expect(() =>
      decodeCheckpoint(bytes, { shapes: [{ name: 'b0.w', shape: [320] }, ...shapes.slice(1)], maxBytes: 1 << 20 }),
    ).toThrow(ShapeMismatchError)
    expect(() => decodeCheckpoint(bytes, { shapes: shapes.slice(0, 2), maxBytes: 1 << 20 })).toThrow(
      TensorSetMismatchError,
    )
    expect(() => decodeCheckpoint(bytes, { shapes, maxBytes: 100 })).toThrow(OversizeError)
    const withNaN = model.map((t) => ({ ...t, data: new Float32Array(t.data) }))
    withNaN[2].data[5] = Number.NEGATIVE_INFINITY
    expect(() => decodeCheckpoint(encodeCheckpoint(withNaN), { shapes, maxBytes: 1 << 20 })).toThrow(
      NonFiniteValueError,
    )
    const f64 = encodeSafetensors([
      ...model.slice(1).map((t) => ({ ...t, dtype: 'F32' as const })),
      { name: 'b0.w', dtype: 'F64', shape: [16, 20], data: new Float64Array(320) },
    ])
    expect(() => decodeCheckpoint(f64, { shapes, maxBytes: 1 << 20 })).toThrow(DtypeMismatchError)
  })
})
