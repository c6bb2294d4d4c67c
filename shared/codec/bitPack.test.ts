import { describe, expect, test } from 'vitest'
import { indexBits, packBits, packedBytes, unpackBits } from './bitPack.ts'
import { InvalidEncodeInputError, NonZeroPaddingError, ShapeMismatchError } from './errors.ts'

describe('packBits / unpackBits', () => {
  test('default: fields round-trip at every width, least significant bit first', () => {
    for (const width of [1, 2, 3, 6, 8, 12, 13, 24]) {
      const fields = Array.from({ length: 37 }, (_, i) => (i * 2654435761) % 2 ** width)
      const bytes = packBits(fields, width)
      expect(bytes.length).toBe(packedBytes(37, width))
      expect([...unpackBits(bytes, 37, width, 'f')]).toEqual(fields)
    }
    // Test vector: 12-bit fields 0x123, 0xABC → bytes 23 C1 AB.
    expect([...packBits([0x123, 0xabc], 12)]).toEqual([0x23, 0xc1, 0xab])
  })

  test('behavior: index widths follow the chunk length', () => {
    expect([indexBits(4096), indexBits(64), indexBits(65), indexBits(1)]).toEqual([12, 6, 7, 1])
  })

  test('error: a field too wide, a stream of the wrong length, padding bits set', () => {
    expect(() => packBits([4], 2)).toThrow(InvalidEncodeInputError)
    expect(() => unpackBits(new Uint8Array(3), 1, 12, 'f')).toThrow(ShapeMismatchError)
    expect(() => unpackBits(Uint8Array.from([0x00, 0x10]), 1, 12, 'f')).toThrow(NonZeroPaddingError)
  })
})
