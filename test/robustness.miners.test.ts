import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { AdversaryKind } from '../miner/index.ts'
import {
  type AdversarialDevnet,
  expectCheckpointsClean,
  expectRefused,
  startAdversarialDevnet,
} from './helpers/adversarialDevnet.ts'

// One tiny devnet for the whole file: 2 honest miners, 2 validators and one adversary of each kind that
// breaks the protocol or the file format, for 2 rounds (replay and stale need an earlier settled round).
// The adversaries that train (sybil pairs, noise, poison, wrong-data) are in robustness.training.test.ts:
// all fifteen processes in one devnet starved the orchestrator's IPFS node on 2 cores.
const KINDS = ['garbage', 'nan', 'wrong-shape', 'oversize', 'stale', 'replay', 'copy-late', 'silent'] as const
let net: AdversarialDevnet

beforeAll(async () => {
  net = await startAdversarialDevnet(KINDS)
}, 1_500_000)

afterAll(async () => {
  await net?.stop()
}, 60_000)

/** What each case's score-report reason must say (README "Security"). */
const REASON: Record<Exclude<(typeof KINDS)[number], 'silent'>, RegExp> = {
  garbage: /safetensors|truncated|header/i,
  nan: /non-finite/,
  'wrong-shape': /has shape/,
  oversize: /^oversize: /,
  stale: /^stale$/,
  replay: /^replay: Metadata "round"/,
  'copy-late': /^no-counted-reveal: delta reveal without a counted commit/,
}

describe('adversarial miners that break the protocol or the format', () => {
  test('default: every round settled, the devnet names each adversary with its kind', () => {
    expect(net.result.rounds).toHaveLength(2)
    for (const r of net.result.rounds) expect(r.settled).toBe(true)
    expect([...new Set((net.result.adversaries ?? []).map((a) => a.kind))].sort()).toEqual([...KINDS].sort())
  })

  test('behavior: the honest miners are paid in every round', () => {
    for (const r of net.result.rounds) {
      const honest = r.miners.filter((m) => m.name?.startsWith('miner-'))
      expect(honest).toHaveLength(2)
      expect(
        honest.some((m) => BigInt(m.reward) > 0n),
        `round ${r.round}`,
      ).toBe(true)
    }
  })

  for (const [kind, reason] of Object.entries(REASON) as [AdversaryKind, RegExp][]) {
    test(`behavior: ${kind} earns nothing, never reaches a checkpoint, and the reports say why`, () => {
      expectRefused(net, kind, reason)
    })
  }

  test('behavior: silent registers, never commits, and earns nothing', () => {
    const rows = net.rowsOf('silent').flat()
    expect(rows).toHaveLength(2)
    for (const m of rows) {
      expect(m.revealed).toBe(false)
      expect(m.reward).toBe('0')
      expect(m.reasons).toBeUndefined()
    }
  })

  test('behavior: every settled checkpoint is still retrievable and holds only deltas that earned a reward', () => {
    expectCheckpointsClean(net)
  })
})
