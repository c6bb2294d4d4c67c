import { u8aToHex } from '@polkadot/util'
import { describe, expect, test } from 'vitest'
import { createRng, encodeSeedParts, InvalidRandomArgumentError, seedBytes } from './random.ts'

// Vectors cross-checked with an independent Python implementation (hashlib.blake2b(digest_size=32) + sfc32).
describe('seedBytes', () => {
  test('default: canonical encoding and blake2b-256 test vector', () => {
    expect(u8aToHex(encodeSeedParts('ab', 5, new Uint8Array([1, 2])))).toBe(
      '0x7302000000616269010000003562020000000102',
    )
    expect(u8aToHex(seedBytes('ab', 5, new Uint8Array([1, 2])))).toBe(
      '0x16132dd307aa2b7d6c6d5f9f4e4391fa30cf9f15b7d273d2d737ea278ee073d5',
    )
  })

  test('behavior: unambiguous across part boundaries and types', () => {
    const hex = (...p: Parameters<typeof seedBytes>) => u8aToHex(seedBytes(...p))
    expect(hex('ab', 'c')).not.toBe(hex('a', 'bc'))
    expect(hex('5')).not.toBe(hex(5))
    expect(hex(new Uint8Array([0x35]))).not.toBe(hex('5'))
    expect(hex(5)).toBe(hex(5n))
    expect(hex(-12)).toBe(hex(-12n))
  })

  test('error: a fraction or an unsafe integer is not a seed part', () => {
    expect(() => seedBytes(1.5)).toThrow(InvalidRandomArgumentError)
    expect(() => seedBytes(2 ** 60)).toThrow(InvalidRandomArgumentError)
    expect(() => seedBytes(Number.NaN)).toThrow(/Invalid seed part/)
  })
})

describe('createRng', () => {
  test('default: sfc32 test vectors', () => {
    const r = createRng('crowdtrain')
    expect([r.nextU32(), r.nextU32(), r.nextU32(), r.nextU32()]).toEqual([
      1014923917, 3878268867, 797201427, 1331696976,
    ])
    const r2 = createRng(42)
    expect([r2.nextU32(), r2.nextU32(), r2.int(10), r2.next()]).toEqual([3329029158, 2058697398, 5, 0.8836463748011738])
  })

  test('behavior: the same seed gives the same sequence, another seed another', () => {
    const a = createRng(seedBytes('x', 1))
    const b = createRng(seedBytes('x', 1))
    const c = createRng(seedBytes('x', 2))
    const sa = Array.from({ length: 50 }, () => a.next())
    expect(Array.from({ length: 50 }, () => b.next())).toEqual(sa)
    expect(Array.from({ length: 50 }, () => c.next())).not.toEqual(sa)
  })

  test('behavior: next in [0, 1), int in range and covering it, normal has mean 0 and variance 1', () => {
    const r = createRng(7)
    const counts = new Array(7).fill(0)
    let sum = 0
    let sq = 0
    for (let i = 0; i < 20_000; i++) {
      const u = r.next()
      expect(u >= 0 && u < 1).toBe(true)
      counts[r.int(7)]++
      const z = r.normal()
      sum += z
      sq += z * z
    }
    for (const c of counts) expect(c / 20_000).toBeCloseTo(1 / 7, 1)
    expect(sum / 20_000).toBeCloseTo(0, 1)
    expect(sq / 20_000).toBeCloseTo(1, 1)
    expect(createRng(1).int(1)).toBe(0)
    expect(createRng(1).int(2 ** 32)).toBeLessThan(2 ** 32)
  })

  test('behavior: shuffle is a deterministic permutation', () => {
    const a = createRng('s').shuffle(Array.from({ length: 100 }, (_, i) => i))
    const b = createRng('s').shuffle(Array.from({ length: 100 }, (_, i) => i))
    expect(a).toEqual(b)
    expect([...a].sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i))
    expect(a).not.toEqual(Array.from({ length: 100 }, (_, i) => i))
  })

  test('error: bad ranges and seeds', () => {
    const r = createRng(1)
    for (const n of [0, -1, 1.5, 2 ** 32 + 1, Number.NaN]) expect(() => r.int(n)).toThrow(InvalidRandomArgumentError)
    expect(() => createRng(0.25)).toThrow(InvalidRandomArgumentError)
  })
})
