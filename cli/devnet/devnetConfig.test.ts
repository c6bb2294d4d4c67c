import { describe, expect, test } from 'vitest'
import { devnetConfig } from './devnetConfig.ts'
import { InvalidChaosError } from './errors.ts'
import { parseChaos } from './parseChaos.ts'

describe('devnetConfig', () => {
  test('default: the devnet round clock on top of the chosen preset, then task and overrides', () => {
    const c = devnetConfig({ preset: 'tiny', task: 'sotu-char', sets: ['train.innerSteps=3'] })
    expect(c.round).toMatchObject({ tempo: 14, commitBlocks: 2, graceBlocks: 1 })
    expect(c.model.width).toBe(32)
    expect(c.task.name).toBe('sotu-char')
    expect(c.train.innerSteps).toBe(3)
  })

  test("behavior: the schedule anneals over the devnet's rounds unless --set says otherwise", () => {
    expect(devnetConfig({ preset: 'tiny', rounds: 3 }).train.decayRounds).toBe(4)
    expect(devnetConfig({ preset: 'tiny', rounds: 3, sets: ['train.decayRounds=50'] }).train.decayRounds).toBe(50)
  })

  test('error: an unknown preset or key is refused with its name', () => {
    expect(() => devnetConfig({ preset: 'huge' })).toThrow(/huge/)
    expect(() => devnetConfig({ preset: 'tiny', sets: ['train.nope=1'] })).toThrow(/train\.nope/)
  })
})

describe('parseChaos', () => {
  test('default: kill faults by role and index', () => {
    expect(
      parseChaos(['kill-validator-after-commit:1', 'kill-miner-after-commit:0'], { miners: 2, validators: 2 }),
    ).toEqual([
      { kind: 'kill-after-commit', role: 'validator', index: 1, round: 0 },
      { kind: 'kill-after-commit', role: 'miner', index: 0, round: 0 },
    ])
  })

  test('error: unknown faults and indexes past the participants', () => {
    expect(() => parseChaos(['kill-owner'], { miners: 1, validators: 1 })).toThrow(InvalidChaosError)
    expect(() => parseChaos(['kill-miner-after-commit:2'], { miners: 2, validators: 1 })).toThrow(/only 2 miners/)
  })
})
