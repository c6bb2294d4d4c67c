import { describe, expect, test } from 'vitest'
import { colNormalize, div, fromInt, fromU16, mul, normalize, ONE, toU16 } from './fixed.ts'

describe('I32F32', () => {
  test('default', () => {
    expect(mul(ONE / 2n, ONE / 2n)).toBe(ONE / 4n)
    expect(div(1n, 3n)).toBe(1431655765n) // trunc(2^32 / 3)
    expect(fromInt(3)).toBe(3n * ONE)
    expect(toU16(ONE)).toBe(65535)
    expect(toU16(ONE / 2n)).toBe(32767) // floor(0.5·65535) = 32767, not 32768
  })

  test('behavior: mul floors (toward −∞), div truncates (toward 0), x/0 = 0', () => {
    expect(mul(3n, ONE / 2n)).toBe(1n) // 1.5 ulp → 1
    expect(mul(-3n, ONE / 2n)).toBe(-2n) // −1.5 ulp → −2
    expect(div(-1n, 3n)).toBe(-1431655765n)
    expect(div(5n, 0n)).toBe(0n)
  })

  test('behavior: kappa and bonds penalty as subtensor reads them', () => {
    expect(fromU16(32767)).toBe(2147450879n) // trunc(32767·2^32/65535)
    expect(fromU16(65535)).toBe(ONE)
    // α = 1 − trunc(0.9·2^32): the fraction is truncated before the subtraction.
    expect(ONE - div(900000n, 1000000n)).toBe(429496730n)
  })

  test('behavior: normalise keeps zero vectors and columns at zero', () => {
    expect(normalize([0n, 0n])).toEqual([0n, 0n])
    expect(normalize([1n, 1n, 1n])).toEqual([1431655765n, 1431655765n, 1431655765n])
    expect(
      colNormalize([
        [1n, 0n],
        [3n, 0n],
      ]),
    ).toEqual([
      [ONE / 4n, 0n],
      [(3n * ONE) / 4n, 0n],
    ])
  })
})
