import { describe, expect, test } from 'vitest'
import type { DevnetResult, MinerSummary } from '../devnet/index.ts'
import { finalLoss, judgeCases } from './robustnessCases.ts'

const miner = (hotkey: string, reward: string, reasons: [number, string][] = []): MinerSummary => ({
  uid: 0,
  hotkey,
  revealed: true,
  accepted: reward !== '0',
  score: 0,
  incentive: reward !== '0' ? 0.5 : 0,
  reward,
  claimed: reward !== '0',
  ...(reasons.length > 0 ? { reasons: reasons.map(([score, reason]) => ({ validator: 'v', score, reason })) } : {}),
})

function devnet(miners: MinerSummary[]): DevnetResult {
  const round = { round: 3, checkpointCid: 'c', ledgerCid: 'l', lossBefore: 4, lossAfter: 3.5, emission: '1' }
  return {
    rounds: [{ ...round, minted: '1', ownerReward: '0', settled: true, miners, validators: [] }],
    elapsedMs: 1,
    dir: '/d',
    netuid: 1,
    chainUrl: 'ws://x',
    adversaries: [
      { name: 'adv-noise-0', hotkey: 'N', kind: 'noise', behaviour: 'noise' },
      { name: 'adv-sybil-0', hotkey: 'S1', kind: 'sybil', behaviour: 'sybil-lead' },
      { name: 'adv-sybil-0-twin', hotkey: 'S2', kind: 'sybil', behaviour: 'sybil-twin' },
      { name: 'adv-poison-0', hotkey: 'P', kind: 'poison', behaviour: 'poison' },
    ],
  }
}

const none = { aggregatedRounds: 0, effect: 'none (zero weight, never aggregated)' }
const once = { aggregatedRounds: 1, effect: 'weighted in 1 of 1 rounds' }
const sybilIn = 'weighted in 1 of 1 rounds'

describe('judgeCases', () => {
  test('default: a zero reward with reasons is handled; a sybil pair sharing one group is handled', () => {
    const d = 'duplicate: near-duplicate group of uid 5; one reward shared'
    const cases = judgeCases(
      devnet([
        miner('N', '0', [[0, 'no-improvement']]),
        miner('S1', '10', [[0.1, d]]),
        miner('S2', '10', [[0.1, d]]),
        miner('P', '5', []),
      ]),
    )
    expect(cases).toEqual([
      { case: 'noise', handled: true, reward: '0', reason: 'no-improvement', ...none },
      { case: 'sybil', handled: true, reward: '20', reason: d, aggregatedRounds: 1, effect: sybilIn },
      { case: 'poison', handled: false, reward: '5', reason: 'no report row (nothing counted on chain)', ...once },
    ])
  })

  test('behavior: a sybil pair scored as two separate contributions is not handled', () => {
    const cases = judgeCases(devnet([miner('S1', '10', []), miner('S2', '10', [[0.1, 'x']])]))
    expect(cases.find((c) => c.case === 'sybil')?.handled).toBe(false)
  })

  test("behavior: a sybil leader paid alone while its twin's copy is refused is one contribution: handled", () => {
    const cases = judgeCases(devnet([miner('S1', '10', [[0.1, '']]), miner('S2', '0', [[0, 'stale']])]))
    expect(cases.find((c) => c.case === 'sybil')?.handled).toBe(true)
  })

  test('default: the final loss is the last round loss after', () => {
    expect(finalLoss(devnet([]))).toBe(3.5)
  })
})

describe('judgeCases of work that is inflated, lazy or carried', () => {
  const named = (name: string, hotkey: string, reward: string): MinerSummary => ({ ...miner(hotkey, reward), name })
  const run = (rounds: { round: number; miners: MinerSummary[] }[]): DevnetResult => ({
    ...devnet([]),
    rounds: rounds.map((r) => ({ ...devnet(r.miners).rounds[0], round: r.round })),
    adversaries: [
      { name: 'adv-inflate-0', hotkey: 'I', kind: 'inflate', behaviour: 'inflate' },
      { name: 'adv-poison-carried-0', hotkey: 'C', kind: 'poison-carried', behaviour: 'poison-carried' },
    ],
  })
  const honest = [named('miner-0', 'H0', '10'), named('miner-1', 'H1', '30'), named('miner-2', 'H2', '50')]

  test('behavior: inflate is handled when the run pays it no more than the median honest miner', () => {
    const fair = run([{ round: 1, miners: [...honest, named('adv-inflate-0', 'I', '30')] }])
    expect(judgeCases(fair).find((c) => c.case === 'inflate')?.handled).toBe(true)
    const greedy = run([{ round: 1, miners: [...honest, named('adv-inflate-0', 'I', '31')] }])
    expect(judgeCases(greedy).find((c) => c.case === 'inflate')?.handled).toBe(false)
    // Summed over rounds: more than the median honest miner in one round, less over the run.
    const lowRound = [named('miner-0', 'H0', '0'), named('miner-1', 'H1', '0'), named('miner-2', 'H2', '50')]
    const twoRounds = run([
      { round: 1, miners: [...lowRound, named('adv-inflate-0', 'I', '20')] },
      { round: 2, miners: [...honest, named('adv-inflate-0', 'I', '5')] },
    ])
    expect(judgeCases(twoRounds).find((c) => c.case === 'inflate')?.handled).toBe(true)
  })

  test('behavior: poison-carried is handled when none of its ascent (odd) rounds gave its delta weight', () => {
    const ok = run([
      { round: 2, miners: [...honest, named('adv-poison-carried-0', 'C', '20')] },
      { round: 3, miners: [...honest, named('adv-poison-carried-0', 'C', '0')] },
    ])
    expect(judgeCases(ok).find((c) => c.case === 'poison-carried')?.handled).toBe(true)
    const bad = run([{ round: 3, miners: [...honest, named('adv-poison-carried-0', 'C', '5')] }])
    expect(judgeCases(bad).find((c) => c.case === 'poison-carried')?.handled).toBe(false)
  })
})
