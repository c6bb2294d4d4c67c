import { describe, expect, test } from 'vitest'
import { fromU16, ONE } from './fixed.ts'
import { weightedMedian } from './weightedMedian.ts'

const kappa = fromU16(32767)
const q = (x: number) => BigInt(Math.round(x * 2 ** 32))

describe('weightedMedian', () => {
  test('default', () => {
    // 60% of the stake gives ≥ 0.3: consensus 0.3 (the 40% giving 0.9 cannot lift it).
    expect(weightedMedian([q(0.6), q(0.4)], [q(0.3), q(0.9)], kappa)).toBe(q(0.3))
  })

  test('behavior: half of the stake is enough at the default κ (just under 1/2)', () => {
    expect(weightedMedian([ONE / 2n, ONE / 2n], [q(0.2), q(0.8)], kappa)).toBe(q(0.8))
  })

  test('behavior: a higher κ needs more stake to support a weight', () => {
    const stake = [q(0.5), q(0.3), q(0.2)]
    const score = [q(0.1), q(0.5), q(0.9)]
    expect(weightedMedian(stake, score, kappa)).toBe(q(0.5))
    expect(weightedMedian(stake, score, fromU16(52428))).toBe(q(0.1)) // κ = 0.8
    expect(weightedMedian(stake, score, fromU16(13107))).toBe(q(0.9)) // κ = 0.2
  })

  test('behavior: equal scores pool their stake; no voters gives 0', () => {
    expect(weightedMedian([q(0.3), q(0.3), q(0.4)], [q(0.7), q(0.7), q(0.1)], kappa)).toBe(q(0.7))
    expect(weightedMedian([], [], kappa)).toBe(0n)
  })
})
