import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import {
  type AdversarialDevnet,
  expectCheckpointsClean,
  expectRefused,
  startAdversarialDevnet,
} from './helpers/adversarialDevnet.ts'

// One tiny devnet for the whole file: 2 honest miners, 3 validators and the adversaries whose files are
// well formed, so only the evaluation can judge them: sybil pairs (exact and noisy copies), noise and
// poison (gradient ascent). The protocol and format breakers are in robustness.miners.test.ts. (wrong-data,
// honest training on other pages of the dataset, is no longer refused: README "Security".)
// Three validators: the eval on the tiny model is noisy; a weight only one of three gave is clipped by
// consensus and admits nothing, so the reward stays 0, and a majority of the reports must name the case.
const KINDS = ['sybil', 'sybil-noisy', 'noise', 'poison'] as const
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

  // From the genesis model a large random step can lower the eval loss by luck, by far less than
  // training does: the floor (a share of the shard's best improvement) catches it.
  test('behavior: noise earns nothing, never reaches a checkpoint, and the reports say why', () => {
    expectRefused(net, 'noise', /^(no-improvement$|below-floor: )/, true)
  })

  // Pipelined rounds score a delta at the checkpoint settled after its base: an ascent from the base can
  // measure as a small gain there (tiny preset, round 1: +0.015 nats at each validator), under the floor.
  test('behavior: poison (gradient ascent) earns nothing, never reaches a checkpoint, and the reports say why', () => {
    expectRefused(net, 'poison', /^(no-improvement$|below-floor: )/)
  })

  // The twin submits the leader's delta (exact or with noise) under its own hotkey: the near-duplicate group
  // splits one score between them, or the copy scores nothing on its own (its noise made it worse).
  // Either way the pair earns one contribution, the leader's.
  for (const kind of ['sybil', 'sybil-noisy'] as const) {
    test(`behavior: a ${kind} pair earns one contribution: the twin's copy refused or sharing the leader's score`, () => {
      const twins = new Set(
        (net.result.adversaries ?? [])
          .filter((a) => a.kind === kind && a.behaviour !== 'sybil-lead')
          .map((a) => a.hotkey),
      )
      let judged = 0
      for (const pair of net.rowsOf(kind)) {
        expect(pair).toHaveLength(2)
        const leader = pair.find((m) => !twins.has(m.hotkey))
        const twin = pair.find((m) => twins.has(m.hotkey))
        // A round where the twin missed its commit (a slow machine) leaves the leader alone: one contribution anyway.
        if (!leader?.revealed || !twin?.revealed) continue
        for (const r of twin.reasons ?? []) {
          const lead = leader.reasons?.find((x) => x.validator === r.validator)
          // A copy of a delta that earns nothing earns nothing either.
          if ((lead?.score ?? 0) === 0) {
            expect(r.score).toBe(0)
            continue
          }
          expect(lead?.reason).toMatch(/^duplicate: /)
          // Refused on its own: the noise made the copy worse, or far less good than the leader.
          if (r.score === 0) expect(r.reason).toMatch(/^(no-improvement$|below-floor: )/)
          else {
            expect(r.reason).toBe(lead?.reason)
            expect(r.score).toBeCloseTo(lead?.score ?? 0, 12)
          }
          judged++
        }
      }
      expect(judged, net.stderr().slice(-2000)).toBeGreaterThan(0)
    })
  }

  test('behavior: every settled checkpoint is still retrievable and holds only deltas that earned a reward', () => {
    expectCheckpointsClean(net)
  })
})
