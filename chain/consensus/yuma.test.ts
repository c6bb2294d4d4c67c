import { describe, expect, test } from 'vitest'
import { InvalidConsensusInputError } from './errors.ts'
import { ONE, toFloat } from './fixed.ts'
import vectors from './vectors.json' with { type: 'json' }
import { type YumaParameters, yuma } from './yuma.ts'

const U = 65535
const defaults = { kappa: 32767, bondsPenalty: 65535, bondsMovingAverage: 900000 }
const big = (m: string[][]) => m.map((row) => row.map(BigInt))
const str = (x: unknown): unknown => (Array.isArray(x) ? x.map(str) : String(x))

function fromVector(input: (typeof vectors.yuma)[number]['input']): YumaParameters {
  return {
    stake: input.stake.map(BigInt),
    weights: input.weights,
    revealed: input.revealed,
    bondsPrev: input.bondsPrev ? big(input.bondsPrev) : null,
    kappa: input.kappa,
    bondsPenalty: input.bondsPenalty,
    bondsMovingAverage: input.bondsMovingAverage,
  }
}

describe('yuma', () => {
  test('default', () => {
    // Worked by hand. Validators A = uid 0 (stake 3) and B = uid 1 (stake 1); miners uids 2 and 3.
    // A weights both miners equally, B only uid 2.
    const out = yuma({
      stake: [3n, 1n, 0n, 0n],
      weights: [
        [0, 0, U, U],
        [0, 0, U, 0],
        [0, 0, 0, 0],
        [0, 0, 0, 0],
      ],
      revealed: [true, true, false, false],
      bondsPrev: null,
      ...defaults,
    })
    // 1. S = [3/4, 1/4] (exact in I32F32). 2. W_A = [1/2, 1/2], W_B = [1, 0] (exact).
    expect(out.stake).toEqual([(ONE * 3n) / 4n, ONE / 4n, 0n, 0n])
    expect(out.weights.slice(0, 2)).toEqual([
      [0n, 0n, ONE / 2n, ONE / 2n],
      [0n, 0n, ONE, 0n],
    ])
    // 3. κ ≈ 0.499992 so minority ≈ 0.500008. Column 2 sorted: 1/2 (stake 3/4 > minority) → C = 1/2.
    //    Column 3: 0 (stake 1/4), then 1/2 (cumulative 1) → C = 1/2.
    expect(out.consensus).toEqual([0n, 0n, ONE / 2n, ONE / 2n])
    // 4. B's weight 1 on uid 2 is clipped to 1/2: validator trust A = 1, B = 1/2.
    expect(out.validatorTrust).toEqual([ONE, ONE / 2n, 0n, 0n])
    // 5. R_2 = 3/4·1/2 + 1/4·1/2 = 1/2, R_3 = 3/4·1/2 = 3/8; I = [4/7, 3/7]; trust_2 = (1/2)/(5/8) = 4/5.
    expect(out.rank).toEqual([0n, 0n, ONE / 2n, (ONE * 3n) / 8n])
    expect(toFloat(out.incentive[2])).toBeCloseTo(4 / 7, 8)
    expect(toFloat(out.incentive[3])).toBeCloseTo(3 / 7, 8)
    expect(toFloat(out.trust[2])).toBeCloseTo(4 / 5, 8)
    // 7. ΔB column 2 = [3/8, 1/8] → [3/4, 1/4]; column 3 = [3/8, 0] → [1, 0]; no previous bonds.
    expect(toFloat(out.bonds[0][2])).toBeCloseTo(3 / 4, 8)
    expect(toFloat(out.bonds[1][2])).toBeCloseTo(1 / 4, 8)
    expect(out.bonds[0][3]).toBe(ONE)
    // 8. D_A = 3/4·4/7 + 1·3/7 = 6/7, D_B = 1/4·4/7 = 1/7.
    expect(toFloat(out.dividends[0])).toBeCloseTo(6 / 7, 8)
    expect(toFloat(out.dividends[1])).toBeCloseTo(1 / 7, 8)
  })

  for (const vector of vectors.yuma) {
    test(`behavior: vector "${vector.name}" (${vector.why})`, () => {
      const out = yuma(fromVector(vector.input))
      for (const [key, expected] of Object.entries(vector.expected)) {
        expect([key, str(out[key as keyof typeof out])]).toEqual([key, expected])
      }
    })
  }

  test('behavior: an outlier validator is clipped and earns less than the honest ones', () => {
    const v = vectors.yuma.find((x) => x.name === 'outlier')!
    const out = yuma(fromVector(v.input))
    // Validator 2 gave miner 5 ~98% of its weight; consensus lets miner 5 keep < 1%.
    expect(toFloat(out.consensus[5])).toBeLessThan(0.01)
    expect(toFloat(out.validatorTrust[2])).toBeLessThan(0.05)
    expect(toFloat(out.incentive[5])).toBeLessThan(0.01)
    expect(out.dividends[2] * 20n).toBeLessThan(out.dividends[1])
  })

  test('behavior: a validator that did not reveal keeps only its decaying bonds', () => {
    const round1 = yuma(fromVector(vectors.yuma.find((x) => x.name === 'outlier')!.input))
    const v = vectors.yuma.find((x) => x.name === 'not-revealed')!
    const out = yuma(fromVector(v.input))
    expect(out.stake[1]).toBe(0n)
    expect(out.validatorTrust[1]).toBe(0n)
    // Its bond in miner 3 decays by the EMA (α = 0.1): about 0.9 of what it was.
    expect(toFloat(out.bonds[1][3]) / toFloat(round1.bonds[1][3])).toBeCloseTo(0.9, 2)
    expect(out.dividends[1]).toBeGreaterThan(0n)
    expect(out.dividends[1]).toBeLessThan(round1.dividends[1])
  })

  test('error: inputs of the wrong shape or range', () => {
    const ok: YumaParameters = {
      stake: [1n, 0n],
      weights: [
        [0, U],
        [0, 0],
      ],
      revealed: [true, false],
      bondsPrev: null,
      ...defaults,
    }
    expect(() => yuma(ok)).not.toThrow()
    expect(() => yuma({ ...ok, revealed: [true] })).toThrow(InvalidConsensusInputError)
    expect(() =>
      yuma({
        ...ok,
        weights: [
          [0, 70000],
          [0, 0],
        ],
      }),
    ).toThrow(InvalidConsensusInputError)
    expect(() => yuma({ ...ok, stake: [-1n, 0n] })).toThrow(InvalidConsensusInputError)
    expect(() => yuma({ ...ok, bondsPrev: [[0n]] })).toThrow(InvalidConsensusInputError)
    expect(() => yuma({ ...ok, kappa: 70000 })).toThrow(InvalidConsensusInputError)
  })
})
