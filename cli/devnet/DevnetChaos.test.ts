import { describe, expect, test } from 'vitest'
import { roundWindows } from '../../chain/protocol/index.ts'
import type { ClockDecision, SeenAction } from './clockPolicy.ts'
import { type ChaosRounds, chaosAfterTick, chaosBeforeBuild, voidVictims } from './DevnetChaos.ts'
import type { Participant } from './DevnetClock.ts'
import { parseChaos } from './parseChaos.ts'

// Round 0: commit [10,11] grace 12, reveal [13,14] grace 15, evaluate [16,17] grace 18,
// weightsReveal [19,20] grace 21, settle [22,23]; round 1 [24,37], round 2 starts at 38.
const schedule = roundWindows({
  tempo: 14,
  genesisBlock: 10,
  grace: 1,
  windows: { commit: 2, reveal: 2, evaluate: 2, weightsReveal: 2 },
})
const rounds: ChaosRounds = { schedule, firstRound: 0, threshold: 2 }
const M0 = '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY'
const participants: Participant[] = [
  { name: 'miner-0', role: 'miner', address: M0 },
  { name: 'validator-0', role: 'validator', address: 'v0' },
  { name: 'validator-1', role: 'validator', address: 'v1' },
  { name: 'validator-2', role: 'validator', address: 'v2' },
]
const decision = { build: true, reason: '', round: 0, window: 'commit', waitingFor: [] } as ClockDecision
const at = (head: number, pending: SeenAction[] = [], poolSize = pending.length) => ({
  head,
  decision,
  pending,
  poolSize,
})
const counts = { miners: 2, validators: 3 }
const keys = (steps: { do: string; name?: string }[]) => steps.map((s) => `${s.do}:${'name' in s ? s.name : ''}`)

describe('parseChaos', () => {
  test('default: every kind, with its round offset', () => {
    expect(
      parseChaos(
        ['kill-miner-after-reveal:1', 'slow-miner:0@2', 'reachable-by-one:1:2', 'restart-chain:1', 'void-round:3'],
        counts,
      ),
    ).toEqual([
      { kind: 'kill-miner-after-reveal', role: 'miner', index: 1, round: 0 },
      { kind: 'slow-miner', role: 'miner', index: 0, round: 2 },
      { kind: 'reachable-by-one', role: 'miner', index: 1, validator: 2 },
      { kind: 'restart-chain', round: 1 },
      { kind: 'void-round', round: 3 },
    ])
  })
  test('error: unknown faults, missing participants, and reachable-by-one with two validators', () => {
    expect(() => parseChaos(['explode:1'], counts)).toThrow(/unknown fault/)
    expect(() => parseChaos(['slow-miner:2'], counts)).toThrow(/only 2 miners/)
    expect(() => parseChaos(['reachable-by-one:0:1'], { miners: 2, validators: 2 })).toThrow(/3 or more validators/)
  })
})

describe('chaos steps', () => {
  test('behavior: a miner is killed while its delta reveal waits in the pool, once', () => {
    const [spec] = parseChaos(['kill-miner-after-reveal:0'], counts)
    const reveal: SeenAction = { type: 'delta-reveal', round: 0, hotkey: M0 }
    expect(chaosBeforeBuild([spec], rounds, participants, at(13), new Set())).toEqual([])
    const steps = chaosBeforeBuild([spec], rounds, participants, at(13, [reveal]), new Set())
    expect(keys(steps)).toEqual(['kill:miner-0'])
  })

  test('behavior: a slow miner is frozen as its round opens and let go once the commit window closed', () => {
    const [spec] = parseChaos(['slow-miner:0@1'], counts)
    expect(chaosBeforeBuild([spec], rounds, participants, at(20), new Set())).toEqual([])
    expect(keys(chaosBeforeBuild([spec], rounds, participants, at(23), new Set()))).toEqual(['pause:miner-0'])
    const paused = new Set([`${JSON.stringify(spec)}:pause:miner-0`])
    expect(chaosBeforeBuild([spec], rounds, participants, at(25), paused)).toEqual([])
    expect(keys(chaosBeforeBuild([spec], rounds, participants, at(26), paused))).toEqual(['resume:miner-0'])
  })

  test('behavior: the chain restarts in the evaluate window, only with an empty pool', () => {
    const [spec] = parseChaos(['restart-chain:0'], counts)
    expect(chaosBeforeBuild([spec], rounds, participants, at(14), new Set())).toEqual([])
    expect(chaosBeforeBuild([spec], rounds, participants, at(15, [], 1), new Set())).toEqual([])
    expect(keys(chaosBeforeBuild([spec], rounds, participants, at(15), new Set()))).toEqual(['restart-chain:'])
  })

  test('behavior: a void round kills all but threshold − 1 validators before settling starts, and starts them after its deadline', () => {
    const [spec] = parseChaos(['void-round:0'], counts)
    expect(voidVictims(participants, 2)).toEqual(['validator-1', 'validator-2'])
    expect(chaosBeforeBuild([spec], rounds, participants, at(19), new Set())).toEqual([])
    const kills = chaosBeforeBuild([spec], rounds, participants, at(20), new Set())
    expect(keys(kills)).toEqual(['kill:validator-1', 'kill:validator-2'])
    const killed = new Set(kills.map((s) => `${JSON.stringify(spec)}:kill:${'name' in s ? s.name : ''}`))
    const t = (head: number) => ({ head, included: [] })
    expect(chaosAfterTick([spec], rounds, participants, t(36), killed)).toEqual([])
    expect(keys(chaosAfterTick([spec], rounds, participants, t(37), killed))).toEqual([
      'start:validator-1',
      'start:validator-2',
    ])
  })

  test('behavior: kill-after-commit restarts the participant once its commit is included', () => {
    const [spec] = parseChaos(['kill-validator-after-commit:1'], counts)
    const commit: SeenAction = { type: 'weights-commit', round: 0, hotkey: 'v1' }
    expect(chaosAfterTick([spec], rounds, participants, { head: 17, included: [] }, new Set())).toEqual([])
    expect(keys(chaosAfterTick([spec], rounds, participants, { head: 17, included: [commit] }, new Set()))).toEqual([
      'restart:validator-1',
    ])
  })
})
