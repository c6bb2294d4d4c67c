import { describe, expect, test } from 'vitest'
import { InvalidConsensusInputError } from './errors.ts'
import { ONE } from './fixed.ts'
import { stakeQuorum } from './stakeQuorum.ts'

// Validators 0, 1, 2 hold 50%, 30%, 20% of the revealed stake; uids 3.. are miners.
const stake = [ONE / 2n, (ONE * 3n) / 10n, ONE / 5n, 0n, 0n, 0n]

describe('stakeQuorum', () => {
  test('default', () => {
    const approvals = new Map([
      [0, new Set([3, 4])],
      [1, new Set([4, 5])],
      [2, new Set([5])],
    ])
    // uid 3: 50% ≥ κ (≈ 0.499992); uid 4: 80%; uid 5: 50% (30% + 20%, truncated sums still ≥ κ).
    expect(stakeQuorum({ stake, approvals, kappa: 32767 })).toEqual([3, 4, 5])
  })

  test('behavior: a delta only a stake minority fetched is refused', () => {
    const approvals = new Map([
      [1, new Set([3])],
      [2, new Set([4])],
    ])
    expect(stakeQuorum({ stake, approvals, kappa: 32767 })).toEqual([])
    // A validator without stake (did not reveal) adds nothing.
    expect(stakeQuorum({ stake, approvals: new Map([[3, new Set([4])]]), kappa: 0 })).toEqual([])
  })

  test('error: kappa outside u16', () => {
    expect(() => stakeQuorum({ stake, approvals: new Map(), kappa: -1 })).toThrow(InvalidConsensusInputError)
  })
})
