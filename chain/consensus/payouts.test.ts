import { describe, expect, test } from 'vitest'
import { InvalidSplitError } from './errors.ts'
import { largestRemainder, payouts, splitEmission } from './payouts.ts'
import vectors from './vectors.json' with { type: 'json' }

const split = { owner: 1800, miners: 4100, validators: 4100 }

describe('payouts', () => {
  test('default', () => {
    // The hand case of yuma.test.ts: I ≈ [_, _, 4/7, 3/7], D ≈ [6/7, 1/7, _, _], 1000 units.
    // Owner 180; miners 410 → 234.29, 175.71 → 234, 176; validators 410 → 351.43, 58.57 → 351, 59.
    const v = vectors.payouts.find((p) => p.name === 'hand-1000')!
    const out = payouts({
      total: 1000n,
      split,
      incentive: v.input.incentive.map(BigInt),
      dividends: v.input.dividends.map(BigInt),
    })
    expect(out.owner).toBe(180n)
    expect([...out.byUid]).toEqual([
      [0, 351n],
      [1, 59n],
      [2, 234n],
      [3, 176n],
    ])
    expect(out.unallocated).toBe(0n)
  })

  for (const v of vectors.payouts) {
    test(`behavior: vector "${v.name}"`, () => {
      const out = payouts({
        total: BigInt(v.input.total),
        split: v.input.split,
        incentive: v.input.incentive.map(BigInt),
        dividends: v.input.dividends.map(BigInt),
      })
      const byUid = Object.fromEntries([...out.byUid].map(([uid, a]) => [String(uid), String(a)]))
      expect({ owner: String(out.owner), byUid, unallocated: String(out.unallocated) }).toEqual(v.expected)
      const paid = [...out.byUid.values()].reduce((a, b) => a + b, 0n)
      expect(out.owner + paid + out.unallocated).toBe(BigInt(v.input.total))
    })
  }

  test('behavior: every part is its exact quota rounded down or up, and the parts add up exactly', () => {
    let seed = 12345
    const next = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31
      return seed
    }
    for (let c = 0; c < 300; c++) {
      const amount = BigInt(next()) * BigInt(next() % 1000)
      const shares = Array.from({ length: 1 + (next() % 12) }, () => (next() % 3 === 0 ? 0n : BigInt(next())))
      const parts = largestRemainder(amount, shares)
      const total = shares.reduce((a, b) => a + b, 0n)
      expect(parts.reduce((a, b) => a + b, 0n)).toBe(total === 0n ? 0n : amount)
      parts.forEach((p, k) => {
        const floor = total === 0n ? 0n : (amount * shares[k]) / total
        expect(p === floor || p === floor + 1n).toBe(true)
      })
    }
  })

  test('behavior: zero amounts are dropped, ties go to the lower uid', () => {
    expect(largestRemainder(10n, [1n, 1n, 1n])).toEqual([4n, 3n, 3n])
    const out = payouts({ total: 100n, split, incentive: [0n, 5n, 0n], dividends: [7n, 0n, 0n] })
    expect([...out.byUid.keys()]).toEqual([0, 1])
  })

  test('behavior: with nobody to pay, the pools stay unminted', () => {
    const out = payouts({ total: 1000n, split, incentive: [0n], dividends: [0n] })
    expect(out).toEqual({ owner: 180n, byUid: new Map(), unallocated: 820n })
  })

  test('error: a split that does not add up, negative amounts', () => {
    expect(() => splitEmission({ total: 10n, split: { owner: 1, miners: 2, validators: 3 } })).toThrow(
      InvalidSplitError,
    )
    expect(() => splitEmission({ total: 10n, split: { owner: 1.5, miners: 4998.5, validators: 5000 } })).toThrow(
      InvalidSplitError,
    )
    expect(() => largestRemainder(-1n, [1n])).toThrow(InvalidSplitError)
    expect(() => largestRemainder(1n, [-1n, 2n])).toThrow(InvalidSplitError)
  })
})
