import { describe, expect, test } from 'vitest'
import { ADVERSARY_KINDS, behavioursOf, expectedActions, isAdversaryBehaviour, needsShareFile } from './kinds.ts'

describe('adversary kinds', () => {
  test('default: every kind maps to behaviours a miner process accepts', () => {
    for (const k of ADVERSARY_KINDS) for (const b of behavioursOf(k)) expect(isAdversaryBehaviour(b), b).toBe(true)
  })

  test('behavior: a sybil kind is two processes, a leader and a twin sharing one file', () => {
    expect(behavioursOf('sybil')).toEqual(['sybil-lead', 'sybil-twin'])
    expect(behavioursOf('sybil-noisy')).toEqual(['sybil-lead', 'sybil-noisy-twin'])
    expect(behavioursOf('sybil').every(needsShareFile)).toBe(true)
    expect(needsShareFile('noise')).toBe(false)
  })

  test('behavior: the clock does not wait for actions an adversary skips on purpose', () => {
    expect(expectedActions(undefined, 5, 5)).toBe('commit')
    expect(expectedActions('silent', 6, 5)).toBe('none')
    expect(expectedActions('copy-late', 6, 5)).toBe('reveal-only')
    expect(expectedActions('stale', 5, 5)).toBe('none')
    expect(expectedActions('replay', 5, 5)).toBe('none')
    expect(expectedActions('replay', 6, 5)).toBe('commit')
    expect(expectedActions('poison', 5, 5)).toBe('commit')
    // Pipelined rounds: the base of the second round is still genesis, with no accepted delta to recycle.
    expect(expectedActions('recycle', 6, 5, 1)).toBe('none')
    expect(expectedActions('recycle', 7, 5, 1)).toBe('commit')
    expect(expectedActions('stale', 6, 5, 1)).toBe('commit')
  })
})
