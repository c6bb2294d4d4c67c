import { describe, expect, it } from 'vitest'
import { roundWindows } from '../chain/protocol/index.ts'
import { nextAction } from './nextAction.ts'
import type { RoundEntry } from './stateStore.ts'

// Round 0: commit [10,11] grace 12, reveal [13,14] grace 15, ... round 1 starts at 24.
const PARAMS = {
  tempo: 14,
  genesisBlock: 10,
  grace: 1,
  windows: { commit: 2, reveal: 2, evaluate: 2, weightsReveal: 2 },
}
const schedule = roundWindows(PARAMS)
const windows = schedule.forRound(0)
const stored: RoundEntry = { round: 0, shard: 1, baseCid: 'bafybase', cid: 'bafydelta' }
const committed: RoundEntry = { ...stored, committedAt: 11 }

describe('nextAction', () => {
  it('default: trains once the round first block is final, while a commit can still land', () => {
    expect(nextAction({ windows, head: 9 })).toMatchObject({ kind: 'wait', head: 10 })
    expect(nextAction({ windows, head: 10 })).toEqual({ kind: 'train' })
    expect(nextAction({ windows, head: 11 })).toEqual({ kind: 'train' })
  })

  it('behavior: pipelined rounds: round 1 trains from round 0 first block on, and waits for its own commit window', () => {
    const piped = roundWindows({ ...PARAMS, staleness: 1 }).forRound(1)
    expect(nextAction({ windows: piped, head: 9 })).toMatchObject({ kind: 'wait', head: 10 })
    expect(nextAction({ windows: piped, head: 13 })).toEqual({ kind: 'train' })
    const trained: RoundEntry = { ...stored, round: 1 }
    expect(nextAction({ windows: piped, entry: trained, head: 20 })).toMatchObject({ kind: 'wait', head: 23 })
    expect(nextAction({ windows: piped, entry: trained, head: 23 })).toMatchObject({ kind: 'commit' })
  })

  it('behavior: a stored delta whose commit did not land is committed while the window is open', () => {
    expect(nextAction({ windows, entry: stored, head: 10 })).toMatchObject({ kind: 'commit' })
    expect(nextAction({ windows, entry: stored, head: 11 })).toMatchObject({ kind: 'commit', entry: stored })
  })

  it('behavior: after a commit the miner waits for the reveal window, then reveals the persisted CID', () => {
    expect(nextAction({ windows, entry: committed, head: 11 })).toMatchObject({ kind: 'wait', head: 12 })
    const reveal = nextAction({ windows, entry: committed, head: 12 })
    expect(reveal).toMatchObject({ kind: 'reveal' })
    expect(reveal.kind === 'reveal' && reveal.entry.cid).toBe('bafydelta')
    expect(nextAction({ windows, entry: committed, head: 14 })).toMatchObject({ kind: 'reveal' })
  })

  it('behavior: a revealed or abandoned round needs nothing more', () => {
    expect(nextAction({ windows, entry: { ...committed, revealedAt: 13 }, head: 14 })).toEqual({ kind: 'done' })
    expect(nextAction({ windows, entry: { ...stored, gaveUp: 'x' }, head: 11 })).toEqual({ kind: 'done' })
  })

  it('error: gives up with a reason when the window closed (a record would land after its grace block)', () => {
    expect(nextAction({ windows, head: 12 })).toMatchObject({ kind: 'give-up', reason: expect.stringMatching(/12/) })
    expect(nextAction({ windows, entry: stored, head: 12 })).toMatchObject({ kind: 'give-up' })
    expect(nextAction({ windows, entry: committed, head: 15 })).toMatchObject({
      kind: 'give-up',
      reason: expect.stringMatching(/reveal window closed at block 15/),
    })
  })
})
