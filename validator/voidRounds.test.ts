import { describe, expect, test } from 'vitest'
import { carriedVoidRounds } from './voidRounds.ts'

const all = () => true

describe('carriedVoidRounds', () => {
  test('default: nothing is carried when every earlier round settled', () => {
    expect(carriedVoidRounds({ round: 3, parentRound: 2, settled: new Set([0, 1, 2]), hadReveals: all })).toEqual([])
  })

  test('behavior: a void round is carried by the first round settled two or more rounds after it, once', () => {
    // Round 2 void; round 3 settled late (round 2 not decided when 3's inputs were read: 3 carries nothing).
    expect(carriedVoidRounds({ round: 3, parentRound: 1, settled: new Set([0, 1]), hadReveals: all })).toEqual([])
    // Round 4 reads round 3 settled: it carries round 2.
    expect(carriedVoidRounds({ round: 4, parentRound: 3, settled: new Set([0, 1, 3]), hadReveals: all })).toEqual([2])
    // ...or round 3 not settled yet when 4's inputs were read: still round 2, once.
    expect(carriedVoidRounds({ round: 4, parentRound: 1, settled: new Set([0, 1]), hadReveals: all })).toEqual([2])
    // Round 5 after 4 carried it: nothing again.
    expect(carriedVoidRounds({ round: 5, parentRound: 4, settled: new Set([0, 1, 3, 4]), hadReveals: all })).toEqual([])
  })

  test('behavior: rounds with nothing to settle (before anyone revealed) are not void', () => {
    const hadReveals = (q: number) => q >= 5
    expect(carriedVoidRounds({ round: 6, parentRound: null, settled: new Set(), hadReveals })).toEqual([])
    expect(carriedVoidRounds({ round: 8, parentRound: null, settled: new Set(), hadReveals })).toEqual([5, 6])
  })
})
