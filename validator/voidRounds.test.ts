import { describe, expect, test } from 'vitest'
import { carriedVoidRounds } from './voidRounds.ts'

const all = () => true

describe('carriedVoidRounds', () => {
  test('default: nothing is carried when every earlier round settled', () => {
    expect(carriedVoidRounds({ round: 3, settled: new Set([0, 1, 2]), hadReveals: all })).toEqual([])
  })

  test('behavior: a void round is carried by the round two after it, once, whenever the round between settles', () => {
    // Round 1 void; round 2 settles late, after round 3's inputs were read: round 3 carries round 1...
    expect(carriedVoidRounds({ round: 3, settled: new Set([0]), hadReveals: all })).toEqual([1])
    // ...and round 2 does not, whenever it settles.
    expect(carriedVoidRounds({ round: 2, settled: new Set([0]), hadReveals: all })).toEqual([])
    // The same when round 2 settled before round 3's inputs were read.
    expect(carriedVoidRounds({ round: 3, settled: new Set([0, 2]), hadReveals: all })).toEqual([1])
    // Round 4 after that: nothing again.
    expect(carriedVoidRounds({ round: 4, settled: new Set([0, 2, 3]), hadReveals: all })).toEqual([])
  })

  test('behavior: a late settlement of the round before does not carry the same void round twice', () => {
    // Round 2 void; round 3 (its carrier-to-be under the old rule) settles after round 4's inputs were read.
    const four = carriedVoidRounds({ round: 4, settled: new Set([0, 1]), hadReveals: all })
    const three = carriedVoidRounds({ round: 3, settled: new Set([0, 1]), hadReveals: all })
    expect([...three, ...four]).toEqual([2])
  })

  test('behavior: when the round two after a void round is void too, the next one of that chain carries both', () => {
    // Rounds 3 and 5 void: round 7 carries both (round 5 never settled, so it carried nothing).
    expect(carriedVoidRounds({ round: 5, settled: new Set([0, 1, 2, 4]), hadReveals: all })).toEqual([3])
    expect(carriedVoidRounds({ round: 7, settled: new Set([0, 1, 2, 4, 6]), hadReveals: all })).toEqual([3, 5])
  })

  test('behavior: rounds with nothing to settle (before anyone revealed) are not void', () => {
    const hadReveals = (q: number) => q >= 5
    expect(carriedVoidRounds({ round: 6, settled: new Set(), hadReveals })).toEqual([])
    expect(carriedVoidRounds({ round: 9, settled: new Set(), hadReveals })).toEqual([5, 7])
  })
})
