import { encodeAddress } from '@polkadot/util-crypto'
import { describe, expect, test } from 'vitest'
import { aggregateShard } from '../../shared/aggregate/index.ts'
import { presetConfig } from '../../shared/config/index.ts'
import type { NamedTensor } from '../../shared/tensor.ts'
import { toFloat } from '../consensus/index.ts'
import type { Member } from '../protocol/index.ts'
import { type ComputeRoundOutcomeParameters, computeRoundOutcome, vouchedReveals } from './computeRoundOutcome.ts'
import { InvalidOutcomeInputError } from './errors.ts'
import { encodeLedger, parseLedger } from './ledger.ts'
import { outcomeInputsFromLedger, outcomeMatchesLedger } from './outcomeInputsFromLedger.ts'
import { finishLedger } from './publishRoundOutcome.ts'
import type { ScoreReport, ScoreRow } from './report.ts'

const config = { ...presetConfig('tiny'), shards: { count: 2, rotateEvery: 1 } }
const address = (i: number) => encodeAddress(new Uint8Array(32).fill(i + 1), 42)
const cidOf = [
  'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy',
  'bafkreibm6jg3ux5qumhcn2b3flc3tyu6dmlb4xa7u5bf44yegnrjhc4yeq',
  'bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku',
]
const parent = 'bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi'
const t = (name: string, values: number[]): NamedTensor => ({
  name,
  shape: [values.length],
  data: Float32Array.from(values),
})

// Two shard units: `embed` (wte, 4 values) is shard 0, block h.0 (3 values) is shard 1.
const theta = {
  params: [t('wte', [1, 2, 3, 4]), t('h.0.w', [0.5, -0.5, 0.25])],
  momentum: [t('wte', [0.1, 0, 0, -0.1]), t('h.0.w', [0.2, 0.2, -0.2])],
}
const members: Member[] = [
  { uid: 0, hotkey: address(0), role: 'validator', multiaddrs: [], stakeAccount: address(10), registeredAt: 1 },
  { uid: 1, hotkey: address(1), role: 'validator', multiaddrs: [], stakeAccount: address(11), registeredAt: 1 },
  { uid: 2, hotkey: address(2), role: 'miner', multiaddrs: [], registeredAt: 2 },
  { uid: 3, hotkey: address(3), role: 'miner', multiaddrs: [], registeredAt: 2 },
  { uid: 4, hotkey: address(4), role: 'miner', multiaddrs: [], registeredAt: 2 },
]
// Miners 2 and 3 train shard 0, miner 4 shard 1.
const deltaReveals = [
  { uid: 2, hotkey: address(2), shard: 0, cid: cidOf[0] },
  { uid: 3, hotkey: address(3), shard: 0, cid: cidOf[1] },
  { uid: 4, hotkey: address(4), shard: 1, cid: cidOf[2] },
]
const deltas = new Map<string, NamedTensor[]>([
  [cidOf[0], [t('wte', [0.5, 0.5, 0, 0])]],
  [cidOf[1], [t('wte', [0, -1, 1, 0])]],
  [cidOf[2], [t('h.0.w', [1, 1, 1])]],
])

function row(uid: number, valid: boolean): ScoreRow {
  const r = deltaReveals.find((d) => d.uid === uid)!
  return valid
    ? { uid, hotkey: r.hotkey, cid: r.cid, shard: r.shard, fetched: true, valid: true, score: 0.1 }
    : { uid, hotkey: r.hotkey, cid: r.cid, shard: r.shard, fetched: false, valid: false, reason: 'timeout', score: 0 }
}
const report = (validator: number, rows: ScoreRow[]): ScoreReport => ({
  v: 1,
  netuid: 5,
  round: 2,
  validator: address(validator),
  evalPages: [1],
  rows,
})

function params(over: Partial<ComputeRoundOutcomeParameters> = {}): ComputeRoundOutcomeParameters {
  return {
    subnet: { netuid: 5, config, owner: address(20) },
    round: 2,
    members,
    deltaReveals,
    weightReveals: [
      {
        uid: 0,
        hotkey: address(0),
        weights: [
          [2, 40000],
          [3, 20000],
        ],
        reportCid: cidOf[0],
      },
      {
        uid: 1,
        hotkey: address(1),
        weights: [
          [2, 30000],
          [3, 20000],
          [4, 15000],
        ],
        reportCid: cidOf[1],
      },
    ],
    // Validator 0 (70% of stake) could not fetch miner 4's delta; validator 1 (30%) vouches for all three.
    reports: new Map([
      [0, report(0, [row(2, true), row(3, true), row(4, false)])],
      [1, report(1, [row(2, true), row(3, true), row(4, true)])],
    ]),
    stake: new Map([
      [0, 700n],
      [1, 300n],
    ]),
    bondsPrev: null,
    theta,
    deltas,
    parentCid: parent,
    emission: 1_000_003n,
    ...over,
  }
}

describe('computeRoundOutcome', () => {
  test('default', () => {
    const out = computeRoundOutcome(params())
    // Miner 4's delta is vouched for by only 30% of the stake: not accepted.
    expect(out.accepted.map((a) => a.uid)).toEqual([2, 3])
    expect(out.used.map((u) => u.uid)).toEqual([2, 3])
    // Payouts (owner's cut included) add up to the emission exactly.
    const paid = out.settlePayouts.reduce((s, p) => s + p.amount, 0n)
    expect(paid + out.payouts.unallocated).toBe(1_000_003n)
    expect(out.payouts.unallocated).toBe(0n)
    expect(out.settlePayouts.find((p) => p.address === address(20))?.amount).toBe(out.payouts.owner)

    // θ_{r+1} is aggregateShard per shard: shard 0 from miners 2 and 3 by incentive, shard 1 momentum only.
    const w = (uid: number) => toFloat(out.consensus.incentive[uid])
    const s0 = aggregateShard({
      params: [theta.params[0]],
      momentum: [theta.momentum[0]],
      deltas: [
        { uid: 2, weight: w(2), delta: deltas.get(cidOf[0])! },
        { uid: 3, weight: w(3), delta: deltas.get(cidOf[1])! },
      ],
      lr: config.outer.lr,
      momentumCoef: config.outer.momentum,
      topG: config.outer.topG,
      clipNorm: config.outer.clipNorm,
    })
    const s1 = aggregateShard({
      params: [theta.params[1]],
      momentum: [theta.momentum[1]],
      deltas: [],
      lr: config.outer.lr,
      momentumCoef: config.outer.momentum,
      topG: config.outer.topG,
      clipNorm: config.outer.clipNorm,
    })
    expect(out.params).toEqual([s0.params[0], s1.params[0]])
    expect(out.momentum).toEqual([s0.momentum[0], s1.momentum[0]])
    // With the default outer momentum 0, a shard with no accepted delta stays exactly where it was.
    expect(config.outer.momentum).toBe(0)
    expect(out.params[1].data).toEqual(theta.params[1].data)
  })

  test('behavior: the ledger round-trips through its canonical bytes', () => {
    const out = computeRoundOutcome(params())
    const ledger = finishLedger(out.ledger, { checkpoint: parent, reportLoss: { before: 4.5, after: 4.25 } })
    const bytes = encodeLedger(ledger)
    expect(parseLedger(bytes)).toEqual(ledger)
    // The same inputs in another order give the same bytes.
    const again = computeRoundOutcome(
      params({ members: [...members].reverse(), weightReveals: [...params().weightReveals].reverse() }),
    )
    expect(
      Buffer.compare(
        encodeLedger(finishLedger(again.ledger, { checkpoint: parent, reportLoss: { before: 4.5, after: 4.25 } })),
        bytes,
      ),
    ).toBe(0)
    expect(ledger.stake).toEqual([
      [0, '700'],
      [1, '300'],
    ])
    expect(ledger.accepted.map((a) => a.uid)).toEqual([2, 3])
  })

  test('behavior: the ledger alone (with reports, deltas and θ) recomputes the same outcome', () => {
    const p = params()
    const out = computeRoundOutcome(p)
    const ledger = finishLedger(out.ledger, { checkpoint: parent, reportLoss: { before: 4.5, after: 4.25 } })
    const inputs = outcomeInputsFromLedger(parseLedger(encodeLedger(ledger)), null, p.subnet)
    const again = computeRoundOutcome({ ...inputs, reports: p.reports, deltas, theta })
    expect(outcomeMatchesLedger(again, ledger)).toBe(true)
    expect(again.params).toEqual(out.params)
    // A ledger that pays someone else does not match.
    const forged = { ...ledger, payouts: ledger.payouts.map((r, i) => (i === 0 ? { ...r, address: address(30) } : r)) }
    expect(outcomeMatchesLedger(again, forged)).toBe(false)
  })

  test('behavior: a report for another round does not vouch', () => {
    const reports = new Map(params().reports)
    reports.set(0, { ...reports.get(0)!, round: 1 })
    const out = computeRoundOutcome(
      params({
        reports,
        stake: new Map([
          [0, 400n],
          [1, 600n],
        ]),
      }),
    )
    // Only validator 1 (60%) counts now: it vouches for all three deltas.
    expect(out.accepted.map((a) => a.uid)).toEqual([2, 3, 4])
    expect(out.ignoredReports).toEqual([{ uid: 0, reason: 'report is for round 1' }])
  })

  test('behavior: a settling validator fetches only the deltas some report vouches for, and they suffice', () => {
    const reports = new Map([
      [0, report(0, [row(2, true), row(3, false), row(4, false)])],
      [1, report(1, [row(2, false), row(3, false), row(4, true)])],
    ])
    // Miner 3's delta no report could fetch; a row naming another CID vouches for nothing.
    const altered = report(1, [{ ...row(3, true), cid: cidOf[0] }])
    const vouched = vouchedReveals(deltaReveals, [...reports.values(), altered])
    expect(vouched.map((d) => d.uid)).toEqual([2, 4])
    const out = computeRoundOutcome(
      params({ reports, deltas: new Map(vouched.map((d) => [d.cid, deltas.get(d.cid) ?? []])) }),
    )
    expect(out.accepted.length).toBeGreaterThan(0)
    expect(out.accepted.map((a) => a.uid)).toEqual(expect.arrayContaining(out.used.map((u) => u.uid)))
    expect(out.accepted.every((a) => vouched.some((d) => d.uid === a.uid))).toBe(true)
  })

  test('behavior: a delta enters only when validators holding more than half of the stake scored it positive this round', () => {
    // Two validators of equal stake (the devnet's default set): validator 1 is faulty and puts all its
    // weight and a positive score on miner 4's noise; the honest validator 0 scored it 0. Half the stake
    // decides nothing: miner 4 is neither accepted nor paid.
    const scored = (uid: number, score: number): ScoreRow => ({ ...row(uid, true), score })
    const out = computeRoundOutcome(
      params({
        reports: new Map([
          [0, report(0, [scored(2, 0.1), scored(3, 0.1), scored(4, 0)])],
          [1, report(1, [scored(2, 0.1), scored(3, 0.1), scored(4, 0.5)])],
        ]),
        weightReveals: [
          {
            ...params().weightReveals[0],
            weights: [
              [2, 40000],
              [3, 30000],
            ],
          },
          { ...params().weightReveals[1], weights: [[4, 65535]] },
        ],
        stake: new Map([
          [0, 500n],
          [1, 500n],
        ]),
      }),
    )
    expect(out.accepted.map((a) => a.uid)).toEqual([2, 3])
    expect(out.consensus.incentive[4] ?? 0n).toBe(0n)
    // The faulty half gave the honest miners no weight either, so consensus gives them none and nothing is
    // aggregated: one faulty validator of two stalls a round but never lets a bad delta in (three tolerate one).
    expect(out.used).toEqual([])
    expect(out.settlePayouts.some((p) => p.address === address(4))).toBe(false)
    // A valid delta scored zero by everyone (smoothing may still weight it) is not admitted either.
    const zero = computeRoundOutcome(
      params({
        reports: new Map([
          [0, report(0, [scored(2, 0.1), scored(3, 0), row(4, false)])],
          [1, report(1, [scored(2, 0.1), scored(3, 0), scored(4, 0.1)])],
        ]),
      }),
    )
    expect(zero.accepted.map((a) => a.uid)).toEqual([2])
    expect(zero.consensus.incentive[3] ?? 0n).toBeGreaterThan(0n)
  })

  test('error: an accepted delta that was not given', () => {
    const partial = new Map(deltas)
    partial.delete(cidOf[1])
    expect(() => computeRoundOutcome(params({ deltas: partial }))).toThrow(InvalidOutcomeInputError)
  })

  test('error: the ledger parser refuses unknown keys, unsorted uids and payouts that do not add up', () => {
    const out = computeRoundOutcome(params())
    const ledger = finishLedger(out.ledger, { checkpoint: parent, reportLoss: { before: 4.5, after: 4.25 } })
    const bad = [
      { ...ledger, note: 'x' },
      { ...ledger, revealed: [1, 0] },
      { ...ledger, owner: (BigInt(ledger.owner) + 1n).toString() },
      { ...ledger, emission: 1000003 },
    ]
    for (const b of bad)
      expect(() => parseLedger(new TextEncoder().encode(JSON.stringify(b)))).toThrow(/round ledger is invalid/)
  })
})
