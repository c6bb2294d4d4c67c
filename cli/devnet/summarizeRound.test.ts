import { describe, expect, test } from 'vitest'
import { addRewards, type LedgerView, summarizeRound } from './summarizeRound.ts'

const ledger: LedgerView = {
  netuid: 1,
  round: 2,
  checkpoint: 'bafyckpt',
  reportLoss: { before: 3.2, after: 3.1 },
  metagraph: [
    { uid: 2, hotkey: 'V0', role: 'validator' },
    { uid: 0, hotkey: 'M0', role: 'miner' },
    { uid: 1, hotkey: 'M1', role: 'miner' },
  ],
  revealed: [2],
  weights: [
    [
      2,
      [
        [0, 65535],
        [1, 0],
      ],
    ],
  ],
  consensus: { incentive: [[0, 65535]], dividends: [[2, 65535]] },
  accepted: [{ uid: 0 }],
  reports: [[2, 'bafyreport']],
  payouts: [
    { uid: 0, address: 'M0', amount: '410' },
    { uid: 2, address: 'V0', amount: '410' },
  ],
  owner: '180',
  emission: '1000',
  unallocated: '0',
}

describe('summarizeRound', () => {
  test('default: scores, incentive and rewards per participant, from the ledger', () => {
    const s = summarizeRound({
      ledgerCid: 'bafyledger',
      ledger,
      later: new Map(),
      outstanding: new Map([
        ['M0', 410n],
        ['V0', 410n],
      ]),
      deltaReveals: new Set(['M0', 'M1']),
      names: new Map([['M0', 'miner-0']]),
    })
    expect(s).toMatchObject({
      round: 2,
      checkpointCid: 'bafyckpt',
      ledgerCid: 'bafyledger',
      lossBefore: 3.2,
      lossAfter: 3.1,
      emission: '1000',
      minted: '1000',
      ownerReward: '180',
      settled: true,
    })
    expect(s.miners).toEqual([
      {
        uid: 0,
        hotkey: 'M0',
        name: 'miner-0',
        revealed: true,
        accepted: true,
        score: 1,
        incentive: 1,
        reward: '410',
        claimed: false,
      },
      { uid: 1, hotkey: 'M1', revealed: true, accepted: false, score: 0, incentive: 0, reward: '0', claimed: false },
    ])
    expect(s.validators).toEqual([
      { uid: 2, hotkey: 'V0', revealed: true, dividends: 1, reward: '410', claimed: false },
    ])
  })

  test('behavior: a round counts as claimed once what is still approved is no more than the later rounds gave', () => {
    const later = new Map<string, bigint>()
    addRewards(later, ledger)
    const open = summarizeRound({ ledgerCid: 'x', ledger, later, outstanding: new Map([['M0', 820n]]) })
    expect(open.miners[0].claimed).toBe(false)
    const claimed = summarizeRound({ ledgerCid: 'x', ledger, later, outstanding: new Map([['M0', 410n]]) })
    expect(claimed.miners[0].claimed).toBe(true)
    expect(claimed.validators[0].claimed).toBe(true)
  })

  test("behavior: each miner carries the reasons the validators' reports gave, named like the validator", () => {
    const s = summarizeRound({
      ledgerCid: 'x',
      ledger,
      later: new Map(),
      outstanding: new Map(),
      names: new Map([['V0', 'validator-0']]),
      reports: new Map([
        [
          2,
          {
            rows: [
              { uid: 0, score: 0.02 },
              { uid: 1, score: 0, reason: 'wrong-data' },
            ],
          },
        ],
      ]),
    })
    expect(s.miners[0].reasons).toBeUndefined()
    expect(s.miners[1].reasons).toEqual([{ validator: 'validator-0', score: 0, reason: 'wrong-data' }])
  })
})
