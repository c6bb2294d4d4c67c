import { describe, expect, it } from 'vitest'
import { learningRate } from './schedule.ts'

describe('learningRate', () => {
  const cfg = { lr: 1, minLrRatio: 0.1, warmupSteps: 3, innerSteps: 13 }

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
})
