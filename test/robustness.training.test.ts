import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import {
  type AdversarialDevnet,
  expectCheckpointsClean,
  expectRefused,
  startAdversarialDevnet,
} from './helpers/adversarialDevnet.ts'

// One tiny devnet for the whole file: 2 honest miners, 3 validators and the adversaries whose files are
// well formed, so only the evaluation and the proof of training can judge them: a sybil pair (the twin
// sends the leader's delta), noise, poison (gradient ascent), wrong-data (honest training on other pages
// of the dataset) and first-batch-only (the first batch from its pages, the rest from others). The
// protocol and format breakers are in robustness.miners.test.ts. (sybil-noisy is refused like sybil —
// the twin's file lists the leader's snapshots — and is measured by `bench robustness`.)
// Three validators: a weight only one of three gave is clipped by consensus and admits nothing.
const KINDS = ['sybil', 'noise', 'poison', 'wrong-data', 'first-batch-only'] as const
let net: AdversarialDevnet

beforeAll(async () => {
  net = await startAdversarialDevnet(KINDS, [], 3)
}, 1_500_000)

afterAll(async () => {
  await net?.stop()
}, 60_000)

describe('adversarial miners that only the evaluation can judge', () => {
  test('default: every round settled, with a sybil pair as two processes of one kind', () => {
    expect(net.result.rounds).toHaveLength(2)
    for (const r of net.result.rounds) expect(r.settled).toBe(true)
    expect((net.result.adversaries ?? []).filter((a) => a.kind === 'sybil').map((a) => a.behaviour)).toEqual([
      'sybil-lead',
      'sybil-twin',
    ])
  })

  test('behavior: the honest miners are paid in every round', () => {
    for (const r of net.result.rounds) {
      const honest = r.miners.filter((m) => m.name?.startsWith('miner-'))
      expect(
        honest.some((m) => BigInt(m.reward) > 0n),
        `round ${r.round}`,
      ).toBe(true)
    }
  })

  // No training, so no snapshots: refused before anything is measured.
  test('behavior: noise earns nothing, never reaches a checkpoint, and the reports say why', () => {
    expectRefused(net, 'noise', /^unproven: the delta file lists no proof of training$/)
  })

  // Its snapshots record the ascent; replayed with the subnet's learning rate they end elsewhere.
  test('behavior: poison (gradient ascent) earns nothing, never reaches a checkpoint, and the reports say why', () => {
    expectRefused(net, 'poison', /^unproven: segment \d+ \(steps \d+–\d+\) replayed on the assigned pages ends/)
  })

  // Every segment of their training used other pages than the assignment: whichever one a validator draws fails.
  for (const kind of ['wrong-data', 'first-batch-only'] as const)
    test(`behavior: ${kind} earns nothing in any round, never reaches a checkpoint, and every report says why`, () => {
      expectRefused(net, kind, /^unproven: segment \d+ \(steps \d+–\d+\) replayed on the assigned pages ends/)
    })

  // The twin submits the leader's delta under its own hotkey: the snapshots it lists are the leader's
  // training, which the twin's own pages and batch stream do not replay. The pair earns one contribution.
  test("behavior: a sybil pair earns one contribution: the twin's copy is unproven, the leader is paid as honest work", () => {
    const twins = new Set(
      (net.result.adversaries ?? [])
        .filter((a) => a.kind === 'sybil' && a.behaviour !== 'sybil-lead')
        .map((a) => a.hotkey),
    )
    let judged = 0
    for (const pair of net.rowsOf('sybil')) {
      expect(pair).toHaveLength(2)
      const twin = pair.find((m) => twins.has(m.hotkey))
      // A round where the twin missed its commit (a slow machine) leaves the leader alone: one contribution anyway.
      if (!twin?.revealed) continue
      expect(twin.reward).toBe('0')
      for (const r of twin.reasons ?? []) {
        expect(r.score).toBe(0)
        expect(r.reason).toMatch(/^unproven: segment \d+ /)
        judged++
      }
    }
    expect(judged, net.stderr().slice(-2000)).toBeGreaterThan(0)
    const leaderPaid = net
      .rowsOf('sybil')
      .some((pair) => pair.some((m) => !twins.has(m.hotkey) && BigInt(m.reward) > 0n))
    expect(leaderPaid).toBe(true)
  })

  test('behavior: every settled checkpoint is still retrievable and holds only deltas that earned a reward', () => {
    expectCheckpointsClean(net)
  })
})
