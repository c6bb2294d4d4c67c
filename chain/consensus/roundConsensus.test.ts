import { describe, expect, test } from 'vitest'
import { bondsFromSparse, bondsToSparse, resizeBonds } from './bonds.ts'
import { InvalidConsensusInputError } from './errors.ts'
import { ONE } from './fixed.ts'
import { roundConsensus } from './roundConsensus.ts'
import vectors from './vectors.json' with { type: 'json' }

const consensus = { kappa: 32767, bondsPenalty: 65535, bondsMovingAverage: 900000 }
const outlier = vectors.yuma.find((v) => v.name === 'outlier')!
const members = [0, 1, 2, 3, 4, 5].map((uid) => ({ uid, role: uid < 3 ? ('validator' as const) : ('miner' as const) }))
const stake = new Map(outlier.input.stake.slice(0, 3).map((s, uid) => [uid, BigInt(s)]))
const sparse = (row: number[]) => row.flatMap((w, j) => (w > 0 ? [[j, w] as [number, number]] : []))
const reveals = outlier.input.weights.slice(0, 3).map((row, uid) => ({ uid, weights: sparse(row) }))

describe('roundConsensus', () => {
  test('default', () => {
    const out = roundConsensus({ members, stake, reveals, bondsPrev: null, consensus })
    expect(out.n).toBe(6)
    expect(out.incentive.map(String)).toEqual(outlier.expected.incentive)
    expect(out.dividends.map(String)).toEqual(outlier.expected.dividends)
    expect(out.u16.incentive[3]).toBe(Math.floor((Number(out.incentive[3]) * 65535) / 2 ** 32))
  })

  test('behavior: weights to validators are dropped, payouts come with the emission', () => {
    const withVoteForPeer = reveals.map((r) =>
      r.uid === 2 ? { uid: 2, weights: [[0, 65535] as [number, number], ...r.weights] } : r,
    )
    const emission = { total: 1000n, split: { owner: 1800, miners: 4100, validators: 4100 } }
    const out = roundConsensus({ members, stake, reveals: withVoteForPeer, bondsPrev: null, consensus, emission })
    expect(out.incentive.map(String)).toEqual(outlier.expected.incentive)
    const expected = vectors.payouts.find((p) => p.name === 'outlier-1000')!.expected
    expect(Object.fromEntries([...out.payouts!.byUid].map(([u, a]) => [String(u), String(a)]))).toEqual(expected.byUid)
  })

  test('behavior: a replaced uid starts without its predecessor bonds', () => {
    const first = roundConsensus({ members, stake, reveals, bondsPrev: null, consensus })
    const next = roundConsensus({ members, stake, reveals: [], bondsPrev: first.bonds, replacedUids: [5], consensus })
    expect(next.bonds.map((row) => row[5])).toEqual([0n, 0n, 0n, 0n, 0n, 0n])
    expect(next.bonds[0][3]).toBeGreaterThan(0n)
  })

  test('error: a miner that revealed weights, two members on one uid', () => {
    expect(() =>
      roundConsensus({ members, stake, reveals: [{ uid: 3, weights: [] }], bondsPrev: null, consensus }),
    ).toThrow(InvalidConsensusInputError)
    expect(() =>
      roundConsensus({ members: [...members, { uid: 0, role: 'miner' }], stake, reveals, bondsPrev: null, consensus }),
    ).toThrow(InvalidConsensusInputError)
  })
})

describe('bonds', () => {
  test('default', () => {
    const bonds = [
      [0n, ONE / 4n],
      [0n, (ONE * 3n) / 4n],
    ]
    const stored = JSON.parse(JSON.stringify(bondsToSparse(bonds)))
    expect(stored).toEqual([
      [0, 1, '1073741824'],
      [1, 1, '3221225472'],
    ])
    expect(bondsFromSparse(stored, 2)).toEqual(bonds)
  })

  test('behavior: a grown metagraph pads with zeros', () => {
    expect(resizeBonds([[ONE]], 2)).toEqual([
      [ONE, 0n],
      [0n, 0n],
    ])
  })

  test('error: ledger bonds out of range, duplicated or malformed', () => {
    expect(() => bondsFromSparse([[2, 0, '1']], 2)).toThrow(InvalidConsensusInputError)
    expect(() => bondsFromSparse([[0, 0, '4294967297']], 2)).toThrow(InvalidConsensusInputError)
    expect(() =>
      bondsFromSparse(
        [
          [0, 0, '1'],
          [0, 0, '2'],
        ],
        2,
      ),
    ).toThrow(InvalidConsensusInputError)
    expect(() => bondsFromSparse([[0, 0, '-1']], 2)).toThrow(InvalidConsensusInputError)
    expect(() => bondsFromSparse({ a: 1 }, 2)).toThrow(InvalidConsensusInputError)
    expect(() => resizeBonds([[0n], [0n]], 1)).toThrow(InvalidConsensusInputError)
  })
})
