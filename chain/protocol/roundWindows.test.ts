import { describe, expect, test } from 'vitest'
import { defaultConfig } from '../../shared/config/index.ts'
import { BlockOutOfRangeError, InvalidScheduleError } from './errors.ts'
import { roundWindows, scheduleFromConfig } from './roundWindows.ts'

const PARAMS = {
  tempo: 40,
  genesisBlock: 10,
  windows: { commit: 5, reveal: 4, evaluate: 6, weightsReveal: 3 },
  grace: 2,
}
const schedule = roundWindows(PARAMS)

describe('roundWindows', () => {
  test('default', () => {
    expect(schedule.forRound(2)).toEqual({
      round: 2,
      firstBlock: 90,
      trainBlock: 90,
      lastBlock: 129,
      commit: { start: 90, end: 94, graceEnd: 96 },
      reveal: { start: 97, end: 100, graceEnd: 102 },
      evaluate: { start: 103, end: 108, graceEnd: 110 },
      weightsReveal: { start: 111, end: 113, graceEnd: 115 },
      settle: { start: 116, end: 129 },
      commitClosedBlock: 96,
    })
  })

  test('behavior: pipelined rounds (staleness 1) train on the block of the round before; round 0 and 1 on genesis', () => {
    const piped = roundWindows({ ...PARAMS, staleness: 1 })
    expect(piped.forRound(0).trainBlock).toBe(10)
    expect(piped.forRound(1).trainBlock).toBe(10)
    expect(piped.forRound(2).trainBlock).toBe(50)
    // The windows themselves do not move: only where the base and the pages are read.
    expect({ ...piped.forRound(2), trainBlock: 90 }).toEqual(schedule.forRound(2))
    expect(() => roundWindows({ ...PARAMS, staleness: -1 })).toThrow(InvalidScheduleError)
  })

  test('behavior: roundOf and windowAt agree with the ranges, grace blocks flagged', () => {
    expect(schedule.roundOf(10)).toBe(0)
    expect(schedule.roundOf(49)).toBe(0)
    expect(schedule.roundOf(50)).toBe(1)
    expect(schedule.windowAt(94)).toEqual({ round: 2, window: 'commit', inGrace: false })
    expect(schedule.windowAt(95)).toEqual({ round: 2, window: 'commit', inGrace: true })
    expect(schedule.windowAt(97)).toEqual({ round: 2, window: 'reveal', inGrace: false })
    expect(schedule.windowAt(115)).toEqual({ round: 2, window: 'weightsReveal', inGrace: true })
    expect(schedule.windowAt(129)).toEqual({ round: 2, window: 'settle', inGrace: false })
    expect(schedule.windowAt(130)).toEqual({ round: 3, window: 'commit', inGrace: false })
    expect(schedule.windowAt(9)).toBeNull()
  })

  test('behavior: the default config gives a usable schedule', () => {
    const s = scheduleFromConfig(defaultConfig().round)
    const w = s.forRound(0)
    expect(w.settle.end).toBe(s.tempo - 1)
    expect(w.settle.start).toBeLessThanOrEqual(w.settle.end)
  })

  test('error: windows longer than the tempo, bad numbers, blocks before genesis', () => {
    const windows = { commit: 10, reveal: 10, evaluate: 10, weightsReveal: 10 }
    expect(() => roundWindows({ tempo: 40, windows, grace: 1 })).toThrow(InvalidScheduleError)
    expect(() => roundWindows({ tempo: 44, windows, grace: 1 })).not.toThrow()
    expect(() => roundWindows({ tempo: 44, windows: { ...windows, commit: 0 }, grace: 1 })).toThrow(
      InvalidScheduleError,
    )
    expect(() => roundWindows({ tempo: 44, windows, grace: 0.5 })).toThrow(InvalidScheduleError)
    expect(() => schedule.roundOf(3)).toThrow(BlockOutOfRangeError)
    expect(() => schedule.forRound(-1)).toThrow(InvalidScheduleError)
  })
})
