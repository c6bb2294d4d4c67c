import { describe, expect, test } from 'vitest'
import { adversaryExpects, parseAdversaries, planAdversaries } from './adversaries.ts'

describe('devnet adversaries', () => {
  test('default: one process per kind, two for a sybil kind sharing the leader file', () => {
    const plans = planAdversaries(parseAdversaries(['noise', 'sybil', 'noise']), '/run')
    expect(plans.map((x) => x.name)).toEqual(['adv-noise-0', 'adv-sybil-0', 'adv-sybil-0-twin', 'adv-noise-1'])
    expect(plans[1].args).toEqual([
      '--adversary',
      'sybil-lead',
      '--adversary-share',
      '/run/adv-sybil-0/operator-delta.safetensors',
    ])
    expect(plans[2].args).toEqual([
      '--adversary',
      'sybil-twin',
      '--adversary-share',
      '/run/adv-sybil-0/operator-delta.safetensors',
    ])
    expect(plans[0].args).toEqual(['--adversary', 'noise'])
  })

  test('error: an unknown kind is a usage error', () => {
    expect(() => parseAdversaries(['nope'])).toThrow(/unknown kind "nope"/)
  })

  test('behavior: stale and replay are not waited for in the first round, silent never', () => {
    const [stale, silent] = planAdversaries(['stale', 'silent'], '/run')
    const first = () => 7
    expect(adversaryExpects(stale, first)(7)).toBe('none')
    expect(adversaryExpects(stale, first)(8)).toBe('commit')
    expect(adversaryExpects(silent, first)(8)).toBe('none')
  })
})
