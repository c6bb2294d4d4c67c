import { describe, expect, test } from 'vitest'
import { claimCount, renderRound } from './renderRound.ts'
import type { RoundSummary } from './summarizeRound.ts'

const miner = (uid: number, reward: string, claimed: boolean) => ({
  uid,
  hotkey: `5hk${uid}`,
  name: `miner-${uid}`,
  revealed: true,
  accepted: reward !== '0',
  score: 0.5,
  incentive: 0.5,
  reward,
  claimed,
})

const round: RoundSummary = {
  round: 0,
  checkpointCid: 'bafycheckpoint',
  ledgerCid: 'bafyledger',
  lossBefore: 4.6,
  lossAfter: 2.7,
  emission: '1000',
  minted: '1000',
  ownerReward: '180',
  settled: true,
  miners: [miner(1, '200', false), miner(2, '0', false), miner(3, '210', true)],
  validators: [
    { uid: 0, hotkey: '5v0', name: 'validator-0', revealed: true, dividends: 1, reward: '410', claimed: false },
  ],
}

describe('renderRound', () => {
  test('behavior: at settlement an unclaimed reward reads "pending", not "no"; no reward reads "-"', () => {
    const lines = renderRound(round, 1000).split('\n')
    expect(lines.find((l) => l.startsWith('miner-1'))).toMatch(/pending$/)
    expect(lines.find((l) => l.startsWith('miner-2'))).toMatch(/-$/)
    expect(lines.find((l) => l.startsWith('miner-3'))).toMatch(/yes$/)
    expect(lines.find((l) => l.startsWith('validator-0'))).toMatch(/pending$/)
    expect(renderRound(round, 1000)).not.toMatch(/\bno$/m)
  })

  test('default: claimCount counts the positive rewards and those claimed', () => {
    expect(claimCount([round])).toEqual({ claimed: 1, rewards: 3 })
  })
})
