import { describe, expect, test } from 'vitest'
import { devnetSummary } from '../../../test/helpers/devnetSummary.ts'
import { reportData, toTokens } from './reportData.ts'

describe('reportData', () => {
  test('default: one entry per settled round, the loss before the first and after each', () => {
    const data = reportData(devnetSummary(3), new Date('2026-11-25T01:00:00Z'))
    expect(data.rounds.map((r) => r.round)).toEqual([7, 8, 9])
    expect(data.loss.map((p) => p.value)).toEqual([4.6113, 4.1405, 3.7571, 3.6192])
    expect(data.loss.map((p) => p.label)).toEqual(['before round 7', 'after round 7', 'after round 8', 'after round 9'])
    expect(data.miners.map((m) => m.label)).toEqual(['miner-0', 'miner-1', 'miner-2'])
    expect(data.generatedAt).toBe('2026-11-25T01:00:00.000Z')
  })

  test("behavior: a zero carries the validators' reasons and rewards convert to tokens", () => {
    const data = reportData(devnetSummary(2))
    const zero = data.rounds[1].miners[2]
    expect(zero.score).toBe(0)
    expect(zero.rewardTokens).toBe(0)
    expect(zero.reasons.map((r) => r.reason)).toEqual(['wrong-data', 'no-improvement'])
    expect(data.rounds[0].miners[0].rewardTokens).toBeCloseTo(3, 9)
  })

  test('behavior: the reason a devnet stopped early is kept; a finished one has none', () => {
    expect(reportData({ ...devnetSummary(1), failure: 'interrupted' }).failure).toBe('interrupted')
    expect(reportData(devnetSummary(1))).not.toHaveProperty('failure')
  })

  test('behavior: no rounds gives an empty report, not an error', () => {
    const data = reportData({ ...devnetSummary(0) })
    expect(data.rounds).toEqual([])
    expect(data.loss).toEqual([])
  })
})

describe('toTokens', () => {
  test('default: 12 decimals, exact whole part', () => {
    expect(toTokens('1500000000000')).toBe(1.5)
    expect(toTokens('0')).toBe(0)
    expect(toTokens('123000000000000000000')).toBe(123_000_000)
  })
})
