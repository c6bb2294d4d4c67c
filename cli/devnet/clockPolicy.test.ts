import { describe, expect, test } from 'vitest'
import { roundWindows } from '../../chain/protocol/index.ts'
import { type ClockInput, clockDecision, type SeenAction } from './clockPolicy.ts'

// Round 0: commit [10,11] grace 12, reveal [13,14] grace 15, evaluate [16,17] grace 18,
// weightsReveal [19,20] grace 21, settle [22,23]; round 1 starts at 24.
const schedule = roundWindows({
  tempo: 14,
  genesisBlock: 10,
  grace: 1,
  windows: { commit: 2, reveal: 2, evaluate: 2, weightsReveal: 2 },
})
const miners = ['m0', 'm1']
const validators = ['v0', 'v1']

function input(over: Partial<ClockInput>): ClockInput {
  return {
    schedule,
    head: 9,
    included: [],
    pending: [],
    poolSize: 0,
    expected: { miners, validators },
    ready: true,
    settled: new Set(),
    now: 1000,
    windowSince: 1000,
    timeoutMs: 180_000,
    ...over,
  }
}
const act = (type: SeenAction['type'], hotkey: string, round = 0): SeenAction => ({ type, round, hotkey })

describe('clockDecision', () => {
  test('default: a window opens without waiting, since participants act only once it has', () => {
    const d = clockDecision(input({ head: 9 }))
    expect(d).toMatchObject({ build: true, round: 0, window: 'commit' })
    expect(clockDecision(input({ head: 12 })).build).toBe(true)
  })

  test('behavior: inside a window the clock waits for the expected actions, then moves', () => {
    const waiting = clockDecision(input({ head: 10 }))
    expect(waiting).toMatchObject({ build: false, window: 'commit', waitingFor: ['m0', 'm1'] })
    const done = clockDecision(input({ head: 10, included: [act('delta-commit', 'm0'), act('delta-commit', 'm1')] }))
    expect(done.build).toBe(true)
  })

  test('behavior: a pending transaction is built at once outside grace', () => {
    expect(clockDecision(input({ head: 10, poolSize: 1, pending: [act('delta-commit', 'm0')] })).build).toBe(true)
  })

  test('behavior: in grace blocks the clock waits until every expected action is pending or included', () => {
    const partial = clockDecision(input({ head: 11, poolSize: 1, pending: [act('delta-commit', 'm0')] }))
    expect(partial).toMatchObject({ build: false, waitingFor: ['m1'] })
    const all = clockDecision(
      input({ head: 11, poolSize: 1, included: [act('delta-commit', 'm0')], pending: [act('delta-commit', 'm1')] }),
    )
    expect(all.build).toBe(true)
  })

  test('behavior: reveals are expected only from miners that committed, weight reveals from validators that committed', () => {
    const reveal = clockDecision(input({ head: 13, included: [act('delta-commit', 'm1')] }))
    expect(reveal.waitingFor).toEqual(['m1'])
    const wr = clockDecision(input({ head: 19, included: [act('weights-commit', 'v0')] }))
    expect(wr.waitingFor).toEqual(['v0'])
    const evaluate = clockDecision(input({ head: 16 }))
    expect(evaluate.waitingFor).toEqual(['v0', 'v1'])
  })

  test('behavior: adversaries that skip a commit on purpose are not waited for; a reveal-only one is, until its reveal lands', () => {
    const commit = clockDecision(input({ head: 10, expected: { miners: ['m0'], validators, revealOnly: ['c'] } }))
    expect(commit.waitingFor).toEqual(['m0'])
    const expected = { miners: ['m0'], validators, revealOnly: ['c'] }
    const included = [act('delta-commit', 'm0'), act('delta-reveal', 'm0')]
    expect(clockDecision(input({ head: 13, expected, included })).waitingFor).toEqual(['c'])
    // The copied reveal never counts (no commit), but it landed: nothing left to wait for.
    const attempted = [act('delta-reveal', 'c')]
    expect(clockDecision(input({ head: 13, expected, included, attempted })).build).toBe(true)
  })

  test('behavior: records of another round do not count', () => {
    const d = clockDecision(input({ head: 10, included: [act('delta-commit', 'm0', 1), act('delta-commit', 'm1', 1)] }))
    expect(d.build).toBe(false)
  })

  test('behavior: the settle phase waits for the round item, then moves on', () => {
    const revealed = [act('weights-reveal', 'v0')]
    expect(clockDecision(input({ head: 22, included: revealed }))).toMatchObject({ build: false, window: 'settle' })
    expect(clockDecision(input({ head: 22, included: revealed, settled: new Set([0]) })).build).toBe(true)
    expect(clockDecision(input({ head: 22, included: revealed, poolSize: 1 })).build).toBe(true)
  })

  test('behavior: a round without a counted weights reveal has nothing to settle', () => {
    expect(clockDecision(input({ head: 22 }))).toMatchObject({ build: true, reason: 'nothing to settle' })
  })

  test('behavior: a window that waited past its timeout moves on', () => {
    expect(clockDecision(input({ head: 10, now: 200_000, windowSince: 1000 }))).toMatchObject({
      build: true,
      reason: 'commit timeout',
    })
    const revealed = [act('weights-reveal', 'v0')]
    expect(clockDecision(input({ head: 22, included: revealed, now: 200_000, windowSince: 1000 })).build).toBe(true)
  })

  test('behavior: before every participant registered only transactions move the clock', () => {
    expect(clockDecision(input({ ready: false, head: 3 })).build).toBe(false)
    expect(clockDecision(input({ ready: false, head: 3, poolSize: 2 })).build).toBe(true)
    expect(clockDecision(input({ schedule: null, head: 3 })).build).toBe(true)
  })

  test('behavior: blocks before genesis are built once everyone is ready', () => {
    expect(clockDecision(input({ head: 4 }))).toMatchObject({ build: true, round: null, window: null })
  })
})

describe('clockDecision: faults on purpose', () => {
  const revealed = [act('weights-commit', 'v0'), act('weights-commit', 'v1'), act('weights-reveal', 'v0')]

  test('behavior: with fewer live validators than a settlement needs, the settle phase moves on (void-round)', () => {
    expect(clockDecision(input({ head: 22, included: revealed, threshold: 2 })).build).toBe(false)
    const few = clockDecision(
      input({ head: 22, included: revealed, threshold: 2, expected: { miners, validators: ['v0'] } }),
    )
    expect(few).toMatchObject({ build: true, reason: 'too few live validators to settle' })
  })

  test('behavior: a validator that never reveals on purpose is not waited for in the weights-reveal window', () => {
    expect(clockDecision(input({ head: 19, included: revealed }))).toMatchObject({ build: false, waitingFor: ['v1'] })
    expect(clockDecision(input({ head: 19, included: revealed, neverReveal: ['v1'] })).build).toBe(true)
  })
})

describe('clockDecision: a round settling late (after a void round)', () => {
  // Round 0 settles late, in round 1, whose settle blocks are [36,37]: block 37 is round 0's last chance.
  const late = (over: Partial<NonNullable<ClockInput['previous']>> = {}) => ({
    round: 0,
    hadReveals: true,
    proposed: false,
    proposalPending: false,
    completing: false,
    ...over,
  })
  const revealed1 = [act('weights-reveal', 'v0', 1)]

  test('behavior: the block before the deadline waits for its proposal, even with transactions pending', () => {
    const d = clockDecision(input({ head: 35, included: revealed1, poolSize: 1, threshold: 2, previous: late() }))
    expect(d).toMatchObject({ build: false, waitingFor: ['settle'] })
    expect(d.reason).toMatch(/round 0's settle proposal/)
    const pending = late({ proposalPending: true })
    expect(clockDecision(input({ head: 35, poolSize: 1, threshold: 2, previous: pending })).build).toBe(true)
  })

  test('behavior: the deadline block waits until the pending approvals complete the settlement', () => {
    const proposed = late({ proposed: true })
    expect(clockDecision(input({ head: 35, poolSize: 1, threshold: 2, previous: proposed })).build).toBe(true)
    const d = clockDecision(input({ head: 36, included: revealed1, poolSize: 1, threshold: 2, previous: proposed }))
    expect(d).toMatchObject({ build: false, waitingFor: ['settle'] })
    expect(d.reason).toMatch(/round 0's late settlement/)
    const completing = late({ proposed: true, completing: true })
    expect(clockDecision(input({ head: 36, poolSize: 1, threshold: 2, previous: completing })).build).toBe(true)
  })

  test('behavior: no wait when it settled, had nothing to settle, too few validators live, or far from its deadline', () => {
    const base = { head: 36, poolSize: 1, threshold: 2 }
    expect(clockDecision(input({ ...base, previous: late(), settled: new Set([0]) })).build).toBe(true)
    expect(clockDecision(input({ ...base, previous: late({ hadReveals: false }) })).build).toBe(true)
    expect(clockDecision(input({ ...base, previous: late(), expected: { miners, validators: ['v0'] } })).build).toBe(
      true,
    )
    expect(clockDecision(input({ ...base, head: 30, previous: late() })).build).toBe(true)
  })

  test('behavior: after the window timeout the clock moves on, and the round goes void', () => {
    const d = clockDecision(
      input({ head: 36, poolSize: 1, threshold: 2, previous: late(), now: 200_000, windowSince: 1 }),
    )
    expect(d.build).toBe(true)
  })
})
