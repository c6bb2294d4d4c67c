import { describe, expect, test } from 'vitest'
import { DTYPE_SIZES, type Dtype } from './dtypes.ts'
import {
  BadHeaderJsonError,
  BadOffsetsError,
  CodecError,
  HeaderTooLongError,
  InvalidEncodeInputError,
  OversizeError,
  TruncatedError,
  UnknownDtypeError,
} from './errors.ts'
import { decodeSafetensors, encodeSafetensors, type SafeTensor } from './safetensors.ts'

const sample: SafeTensor[] = [
  { name: 'w', dtype: 'F32', shape: [2, 3], data: new Float32Array([1, -2, 3.5, 0, -0, 1e-30]) },
  { name: 'idx', dtype: 'I32', shape: [3], data: new Int32Array([0, 7, -1]) },
  { name: 'q', dtype: 'I8', shape: [3], data: new Int8Array([-127, 0, 127]) },
  { name: 'bytes', dtype: 'U8', shape: [1, 1], data: new Uint8Array([255]) },
  { name: 'half', dtype: 'F16', shape: [2], data: new Uint16Array([0x3c00, 0xc000]) },
  { name: 'big', dtype: 'I64', shape: [1], data: new BigInt64Array([-5n]) },
  { name: 'f64', dtype: 'F64', shape: [], data: new Float64Array([Math.PI]) },
  { name: 'empty', dtype: 'F32', shape: [0, 4], data: new Float32Array(0) },
]

/** Builds a file from a raw header string and data bytes (for malformed cases). */
function rawFile(header: string, data: Uint8Array = new Uint8Array(0), claimed?: bigint): Uint8Array {
  const json = new TextEncoder().encode(header)
  const out = new Uint8Array(8 + json.length + data.length)
  new DataView(out.buffer).setBigUint64(0, claimed ?? BigInt(json.length), true)
  out.set(json, 8)
  out.set(data, 8 + json.length)
  return out
}

function headerOf(bytes: Uint8Array): { n: number; json: Record<string, unknown> } {
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true))
  return { n, json: JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))) }
}

describe('encodeSafetensors / decodeSafetensors', () => {
  test('default', () => {
    const bytes = encodeSafetensors(sample, { task: 'moby-char', round: '3' })
    const file = decodeSafetensors(bytes)
    expect(file.metadata).toEqual({ round: '3', task: 'moby-char' })
    for (const t of sample) {
      const got = file.tensors.find((x) => x.name === t.name)!
      expect(got.dtype).toBe(t.dtype)
      expect(got.shape).toEqual(t.shape)
      expect(got.data).toEqual(t.data)
    }
  })

  test('behavior: golden bytes (the exact layout other readers see)', () => {
    const bytes = encodeSafetensors(
      [
        { name: 'b', dtype: 'I8', shape: [3], data: new Int8Array([1, -1, 2]) },
        { name: 'a', dtype: 'F32', shape: [2], data: new Float32Array([1, 2]) },
      ],
      { k: 'v' },
    )
    const json =
      '{"__metadata__":{"k":"v"},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},' +
      '"b":{"dtype":"I8","shape":[3],"data_offsets":[8,11]}}'
    const padded = json + ' '.repeat((8 - (json.length % 8)) % 8)
    const expected = rawFile(padded, new Uint8Array([0, 0, 0x80, 0x3f, 0, 0, 0, 0x40, 1, 0xff, 2]))
    expect(Buffer.from(bytes).toString('hex')).toBe(Buffer.from(expected).toString('hex'))
  })

  test('behavior: the same tensors in any order give the same bytes', () => {
    const a = encodeSafetensors(sample, { x: '1', a: '2' })
    const b = encodeSafetensors([...sample].reverse(), { a: '2', x: '1' })
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true)
  })

  test('behavior: follows the spec (8-aligned header, offsets tile the data, every tensor aligned)', () => {
    const bytes = encodeSafetensors(sample, { k: 'v' })
    const { n, json } = headerOf(bytes)
    expect(n % 8).toBe(0)
    expect(bytes[8]).toBe(0x7b)
    const spans = Object.entries(json)
      .filter(([k]) => k !== '__metadata__')
      .map(([, v]) => v as { dtype: Dtype; shape: number[]; data_offsets: [number, number] })
      .sort((x, y) => x.data_offsets[0] - y.data_offsets[0])
    let at = 0
    for (const s of spans) {
      expect(s.data_offsets[0]).toBe(at)
      expect(s.data_offsets[0] % DTYPE_SIZES[s.dtype]).toBe(0)
      at = s.data_offsets[1]
      expect(at - s.data_offsets[0]).toBe(s.shape.reduce((p, d) => p * d, 1) * DTYPE_SIZES[s.dtype])
    }
    expect(8 + n + at).toBe(bytes.length)
  })

  test('behavior: "__proto__" is an ordinary name', () => {
    const bytes = encodeSafetensors([{ ...sample[0], name: '__proto__' }], { ['__proto__']: 'x' })
    const file = decodeSafetensors(bytes)
    expect(file.tensors.map((t) => t.name)).toEqual(['__proto__'])
    expect(Object.getOwnPropertyDescriptor(file.metadata, '__proto__')?.value).toBe('x')
  })

  test('behavior: no metadata writes no __metadata__ key', () => {
    const bytes = encodeSafetensors([sample[0]])
    expect(Object.keys(headerOf(bytes).json)).toEqual(['w'])
    expect(decodeSafetensors(bytes).metadata).toEqual({})
  })

  test('behavior: data is copied out of a Node Buffer pool', () => {
    const bytes = Buffer.from(encodeSafetensors([sample[0]]))
    const t = decodeSafetensors(bytes).tensors[0]
    expect(t.data).toEqual(sample[0].data)
  })

  test('error: truncated files', () => {
    const bytes = encodeSafetensors(sample)
    expect(() => decodeSafetensors(bytes.subarray(0, 5))).toThrow(TruncatedError)
    expect(() => decodeSafetensors(bytes.subarray(0, 20))).toThrow(TruncatedError)
    expect(() => decodeSafetensors(bytes.subarray(0, bytes.length - 1))).toThrow(TruncatedError)
  })

  test('error: a header length past the cap', () => {
    expect(() => decodeSafetensors(rawFile('{}', undefined, 2n ** 63n))).toThrow(HeaderTooLongError)
    expect(() => decodeSafetensors(rawFile(' '.repeat(100)), { maxHeaderBytes: 64 })).toThrow(HeaderTooLongError)
  })

  test('error: a header that is not a JSON object', () => {
    expect(() => decodeSafetensors(rawFile('{"a":'))).toThrow(BadHeaderJsonError)
    expect(() => decodeSafetensors(rawFile('[1,2]   '))).toThrow(BadHeaderJsonError)
    expect(() => decodeSafetensors(rawFile('{"__metadata__":{"k":1}}'))).toThrow(BadHeaderJsonError)
    expect(() => decodeSafetensors(rawFile('{"a":{"dtype":"F32","shape":[0],"data_offsets":[0,0],"x":1}}'))).toThrow(
      BadHeaderJsonError,
    )
    const badUtf8 = rawFile('{"a":"  "}')
    badUtf8[13] = 0xff
    expect(() => decodeSafetensors(badUtf8)).toThrow(BadHeaderJsonError)
  })

  test('error: an unknown dtype', () => {
    const file = rawFile('{"a":{"dtype":"F128","shape":[1],"data_offsets":[0,16]}}', new Uint8Array(16))
    expect(() => decodeSafetensors(file)).toThrow(UnknownDtypeError)
  })

  test('error: offsets with holes, overlaps, trailing bytes or the wrong size', () => {
    const entry = (b: number, e: number, n = 1) => `{"dtype":"F32","shape":[${n}],"data_offsets":[${b},${e}]}`
    const hole = rawFile(`{"a":${entry(0, 4)},"b":${entry(8, 12)}}`, new Uint8Array(12))
    const overlap = rawFile(`{"a":${entry(0, 8, 2)},"b":${entry(4, 8)}}`, new Uint8Array(8))
    const trailing = rawFile(`{"a":${entry(0, 4)}}`, new Uint8Array(8))
    const size = rawFile(`{"a":${entry(0, 8)}}`, new Uint8Array(8))
    for (const f of [hole, overlap, trailing, size]) expect(() => decodeSafetensors(f)).toThrow(BadOffsetsError)
  })

  test('error: a file over maxBytes', () => {
    expect(() => decodeSafetensors(encodeSafetensors(sample), { maxBytes: 10 })).toThrow(OversizeError)
  })

  test('error: inputs the encoder refuses', () => {
    const w = sample[0]
    expect(() => encodeSafetensors([w, w])).toThrow(InvalidEncodeInputError)
    expect(() => encodeSafetensors([{ ...w, shape: [7] }])).toThrow(InvalidEncodeInputError)
    expect(() => encodeSafetensors([{ ...w, dtype: 'I32' }])).toThrow(InvalidEncodeInputError)
    expect(() => encodeSafetensors([{ ...w, name: '__metadata__' }])).toThrow(InvalidEncodeInputError)
    expect(() => encodeSafetensors([{ ...w, dtype: 'X' as Dtype }])).toThrow(CodecError)
  })
})
