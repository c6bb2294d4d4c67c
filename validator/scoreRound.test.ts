import { describe, expect, test } from 'vitest'
import { cosine, type DeltaMeasurement, duplicateGroups, REASONS, scoreRound, smoothScores } from './scoreRound.ts'

const v = (...xs: number[]) => [new Float32Array(xs)]
// Distinct uids get orthogonal deltas unless a test says otherwise.
const oneHot = (uid: number) => new Float32Array(8).map((_, i) => (i === uid ? 1 : 0))

function m(uid: number, over: Partial<DeltaMeasurement> = {}): DeltaMeasurement {
  return {
    uid,
    hotkey: `hk${uid}`,
    cid: `cid${uid}`,
    shard: 0,
    fetched: true,
    valid: true,
    lossBase: 2,
    lossStep: 1.9,
    dense: [oneHot(uid)],
    ...over,
  }
}

describe('scoreRound', () => {
  test('default', () => {
    const rows = scoreRound([m(2, { lossStep: 1.8 }), m(1)])
    expect(rows.map((r) => r.uid)).toEqual([1, 2])
    expect(rows[0].score).toBeCloseTo(0.1)
    expect(rows[1].score).toBeCloseTo(0.2)
    expect(rows.every((r) => r.reason === undefined && r.group === undefined)).toBe(true)
  })

  test('behavior: a delta far under the best of its shard scores zero, as a random step would; other shards keep their own best', () => {
    const rows = scoreRound([
      m(1, { lossStep: 1.8 }),
      m(2, { lossStep: 1.9 }),
      m(3, { lossStep: 1.99 }),
      m(4, { shard: 1, lossStep: 1.99 }),
    ])
    expect(rows.map((r) => r.score > 0)).toEqual([true, true, false, true])
    expect(rows[2].reason).toMatch(
      /^below-floor: improvement 0\.0100 is under 0\.25 of the best of shard 0 \(0\.2000\)/,
    )
  })

  test('behavior: every zero score carries its reason', () => {
    const rows = scoreRound([
      m(0, { fetched: false, valid: false, lossBase: undefined, lossStep: undefined, dense: undefined }),
      m(1, { valid: false, reason: 'The file is truncated: header needs 8 bytes, only 3 are there.' }),
      m(2, { valid: false, reason: REASONS.stale }),
      m(3, { lossStep: 2.1 }),
    ])
    expect(rows.map((r) => [r.score, r.reason])).toEqual([
      [0, 'unavailable'],
      [0, 'The file is truncated: header needs 8 bytes, only 3 are there.'],
      [0, 'stale'],
      [0, 'no-improvement'],
    ])
    expect(rows.map((r) => r.valid)).toEqual([false, false, false, true])
  })

  test('behavior: a delta that repeats one already in the base checkpoint scores zero and says whose', () => {
    const rows = scoreRound([m(1), m(2, { recycledFrom: 7 })])
    expect(rows.map((r) => r.score > 0)).toEqual([true, false])
    expect(rows[1].reason).toBe('recycled: repeats the delta of uid 7 already in the base checkpoint')
  })

  test('behavior: two hotkeys submitting one delta share one reward', () => {
    const copy = m(5, { cid: 'cid1', lossStep: 1.85 })
    const rows = scoreRound([m(1), copy, m(3)])
    const [a, c, b] = [rows[0], rows[2], rows[1]]
    expect(a.group).toBe(1)
    expect(c.group).toBe(1)
    expect(b.group).toBeUndefined()
    // The group's best (0.15) split in two: together they earn what one contribution earns.
    expect(a.score + c.score).toBeCloseTo(0.15)
    expect(a.score).toBeCloseTo(c.score)
    expect(b.score).toBeCloseTo(0.1)
    expect(a.reason).toMatch(/^duplicate: /)
    expect(c.reason).toMatch(/^duplicate: /)
    expect(b.reason).toBeUndefined()
  })

  test('behavior: near-duplicates by cosine form a group; other shards never do', () => {
    const rows = scoreRound([
      m(1, { dense: v(1, 2, 3, 4, 0, 0, 0, 0) }),
      m(2, { dense: v(1.01, 2, 3, 4.02, 0, 0, 0, 0) }),
      m(3, { dense: v(1, 2, 3, 4, 0, 0, 0, 0), shard: 1 }),
    ])
    expect(rows.map((r) => r.group)).toEqual([1, 1, undefined])
    expect(rows[0].score + rows[1].score).toBeCloseTo(0.1)
    expect(rows[2].score).toBeCloseTo(0.1)
  })

  test('behavior: invalid deltas never join a group', () => {
    const groups = duplicateGroups([m(1), m(2, { cid: 'cid1' })], 0.95)
    expect([...groups]).toEqual([
      [1, 1],
      [2, 1],
    ])
    const rows = scoreRound([m(1), m(2, { cid: 'cid1', valid: false, reason: 'stale' })])
    expect(rows[0].group).toBeUndefined()
    expect(rows[0].score).toBeCloseTo(0.1)
  })
})

describe('cosine', () => {
  test('default', () => {
    expect(cosine(v(1, 0), v(1, 0))).toBeCloseTo(1)
    expect(cosine(v(1, 0), v(0, 1))).toBe(0)
    expect(cosine(v(1, 0), v(-1, 0))).toBeCloseTo(-1)
  })
  test('behavior: zero or mismatched deltas are not similar', () => {
    expect(cosine(v(0, 0), v(1, 0))).toBe(0)
    expect(cosine(v(1, 0, 0), v(1, 0))).toBe(0)
  })
})

describe('smoothScores', () => {
  test('default', () => {
    const prev = new Map([
      ['a', 1],
      ['gone', 5],
    ])
    const out = smoothScores(prev, new Map([['b', 2]]), ['a', 'b', 'c'])
    expect([...out]).toEqual([
      ['a', 0.5],
      ['b', 1],
    ])
  })
})
