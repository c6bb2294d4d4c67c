import { describe, expect, test } from 'vitest'
import { buildWeights } from './buildWeights.ts'
import { InvalidConsensusInputError } from './errors.ts'

describe('buildWeights', () => {
  test('default', () => {
    const out = buildWeights({
      n: 3,
      reveals: [
        {
          uid: 0,
          weights: [
            [1, 10],
            [2, 20],
          ],
        },
      ],
    })
    expect(out).toEqual({
      weights: [
        [0, 10, 20],
        [0, 0, 0],
        [0, 0, 0],
      ],
      revealed: [true, false, false],
    })
  })

  test('behavior: weights to uids outside the metagraph or to non-miners are dropped', () => {
    const out = buildWeights({
      n: 3,
      reveals: [
        {
          uid: 0,
          weights: [
            [1, 10],
            [2, 20],
            [7, 30],
          ],
        },
      ],
      minerUids: new Set([2]),
    })
    expect(out.weights[0]).toEqual([0, 0, 20])
  })

  test('error: a reveal from an unknown uid or two reveals from one uid', () => {
    expect(() => buildWeights({ n: 2, reveals: [{ uid: 2, weights: [] }] })).toThrow(InvalidConsensusInputError)
    const twice = [
      { uid: 0, weights: [] },
      { uid: 0, weights: [] },
    ]
    expect(() => buildWeights({ n: 2, reveals: twice })).toThrow(InvalidConsensusInputError)
  })
})
