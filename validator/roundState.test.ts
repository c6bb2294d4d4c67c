import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, test } from 'vitest'
import { scheduleFromConfig } from '../chain/protocol/index.ts'
import { ValidatorStateError } from './errors.ts'
import { loadRoundState, nextStep, type RoundState, roundStatePath, saveRoundState } from './roundState.ts'

const schedule = scheduleFromConfig({
  tempo: 14,
  commitBlocks: 2,
  revealBlocks: 2,
  evaluateBlocks: 2,
  weightsRevealBlocks: 2,
  graceBlocks: 1,
  staleness: 1,
})
const at = (block: number) => schedule.windowAt(block)
const w = schedule.forRound(1)

const seeded: RoundState = {
  v: 1,
  netuid: 3,
  round: 1,
  hotkey: '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY',
  salt: `0x${'11'.repeat(32)}`,
  evalSeed: `0x${'22'.repeat(32)}`,
  committed: false,
  revealed: false,
  settled: false,
}
const persisted: RoundState = { ...seeded, weights: [[4, 65535]], reportCid: 'bafkreigh2akiscaildc' }

describe('nextStep', () => {
  test('default', () => {
    expect(nextStep(null, 1, at(w.firstBlock))).toBe('seed')
    expect(nextStep(seeded, 1, at(w.reveal.start))).toBe('wait')
    expect(nextStep(seeded, 1, at(w.evaluate.start))).toBe('evaluate')
    expect(nextStep(persisted, 1, at(w.evaluate.end))).toBe('commit')
    expect(nextStep({ ...persisted, committed: true }, 1, at(w.evaluate.graceEnd))).toBe('wait')
    expect(nextStep({ ...persisted, committed: true }, 1, at(w.weightsReveal.start))).toBe('reveal')
    expect(nextStep({ ...persisted, committed: true, revealed: true }, 1, at(w.settle.start))).toBe('settle')
    expect(nextStep({ ...persisted, settled: true }, 1, at(w.settle.start))).toBe('done')
  })

  test('behavior: a restart after the persisted commit still reveals', () => {
    // The process died between persisting and marking the commit sent: it reveals anyway.
    expect(nextStep(persisted, 1, at(w.weightsReveal.graceEnd))).toBe('reveal')
  })

  test('behavior: a round first seen after its evaluate window is only settled', () => {
    expect(nextStep(null, 1, at(w.weightsReveal.start))).toBe('wait')
    expect(nextStep(null, 1, at(w.settle.start))).toBe('settle')
    expect(nextStep(null, 1, at(schedule.forRound(2).commit.start))).toBe('settle')
    expect(nextStep(seeded, 1, at(schedule.forRound(3).firstBlock))).toBe('done')
  })

  test('behavior: nothing is done for a round that has not started', () => {
    expect(nextStep(null, 2, at(w.firstBlock))).toBe('seed')
    expect(nextStep(seeded, 2, at(w.evaluate.start))).toBe('wait')
    expect(nextStep(seeded, 0, null)).toBe('wait')
  })
})

describe('round state file', () => {
  let dir: string
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  test('default: persisted before the commit, read back after a restart', async () => {
    dir = await mkdtemp(join(tmpdir(), 'validator-state-'))
    await saveRoundState(dir, persisted)
    const back = await loadRoundState(dir, 1)
    expect(back).toEqual(persisted)
    expect(nextStep(back, 1, at(w.weightsReveal.start))).toBe('reveal')
    expect(await loadRoundState(dir, 2)).toBeNull()
  })

  test('error: a corrupt or foreign state file is a typed error', async () => {
    dir = await mkdtemp(join(tmpdir(), 'validator-state-'))
    await saveRoundState(dir, persisted)
    const path = roundStatePath(dir, 1)
    const text = await readFile(path, 'utf8')
    await writeFile(path, text.slice(0, 20))
    await expect(loadRoundState(dir, 1)).rejects.toBeInstanceOf(ValidatorStateError)
    await writeFile(path, JSON.stringify({ ...persisted, salt: 'nope' }))
    await expect(loadRoundState(dir, 1)).rejects.toThrow(/unusable/)
    await writeFile(roundStatePath(dir, 2), JSON.stringify(persisted))
    await expect(loadRoundState(dir, 2)).rejects.toThrow(/holds round 1/)
  })
})
