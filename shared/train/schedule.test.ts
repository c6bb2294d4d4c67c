import { describe, expect, it } from 'vitest'
import { learningRate, roundSchedule } from './schedule.ts'

describe('learningRate', () => {
  const cfg = { lr: 1, minLrRatio: 0.1, warmupSteps: 3, decaySteps: 13 }

  it('default: linear warm-up, peak after it, cosine down towards lr·minLrRatio', () => {
    expect([0, 1, 2].map((s) => learningRate(cfg, s))).toEqual([0.25, 0.5, 0.75])
    expect(learningRate(cfg, 3)).toBe(1)
    expect(learningRate(cfg, 8)).toBeCloseTo(0.55, 10)
    expect(learningRate(cfg, 12)).toBeGreaterThan(0.1)
    expect(learningRate(cfg, 13)).toBeCloseTo(0.1, 10)
  })

  it('behavior: no warm-up starts at the peak', () => {
    expect(learningRate({ ...cfg, warmupSteps: 0 }, 0)).toBe(1)
  })

  it('behavior: after decaySteps the rate stays at the floor', () => {
    expect(learningRate(cfg, 100)).toBeCloseTo(0.1, 10)
  })
})

describe('roundSchedule', () => {
  it('default: the network anneals once over decayRounds rounds of H steps, never restarting per round', () => {
    const s = roundSchedule({ lr: 1, minLrRatio: 0.1, warmupSteps: 2, innerSteps: 10, decayRounds: 4 })
    expect(s.decaySteps).toBe(40)
    // Round 1's first step (global step 10) continues from round 0's last, lower than the peak.
    expect(learningRate(s, 10)).toBeLessThan(learningRate(s, 9))
    expect(learningRate(s, 39)).toBeLessThan(learningRate(s, 10))
    expect(learningRate(s, 40)).toBeCloseTo(0.1, 10)
  })
})
