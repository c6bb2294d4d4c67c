import { encodeAddress } from '@polkadot/util-crypto'
import { describe, expect, test } from 'vitest'
import { collectRound, type MemberInfo, type RawRemark } from './collectRound.ts'
import { encodeRecord } from './encodeRecord.ts'
import { deltaCommitHash, weightsCommitHash } from './hashes.ts'
import type { ChainRecord, WeightEntry } from './records.ts'
import { roundWindows } from './roundWindows.ts'

const key = (n: number) => encodeAddress(new Uint8Array(32).fill(n), 42)
const [m0, m1, v0, v1, outsider] = [key(1), key(2), key(3), key(4), key(9)]
const members = new Map<string, MemberInfo>([
  [m0, { uid: 0, role: 'miner' }],
  [m1, { uid: 1, role: 'miner' }],
  [v0, { uid: 2, role: 'validator' }],
  [v1, { uid: 3, role: 'validator' }],
])
const netuid = 3
const round = 2
// Round 2 of this schedule: commit [80, 84] +2 grace, reveal [87, 91] +2, evaluate [94, 98] +2,
// weights reveal [101, 105] +2, settle [108, 119].
const windows = roundWindows({ tempo: 40, windows: { commit: 5, reveal: 5, evaluate: 5, weightsReveal: 5 }, grace: 2 })
const cidA = 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy'
const cidB = 'bafkreidon73zkcrwdb5iafqtijxildoonbwnpv7dyd6ef3qdgads2jc4su'
const salt = `0x${'aa'.repeat(32)}`
const evalSeed = `0x${'bb'.repeat(32)}`
const weights: WeightEntry[] = [
  [0, 40000],
  [1, 20000],
]

let index = 0
function remark(block: number, signer: string, record: ChainRecord | string, success = true): RawRemark {
  index += 1
  return { block, index, signer, success, text: typeof record === 'string' ? record : encodeRecord(record) }
}
const deltaCommit = (block: number, signer: string, cid: string, extra: Partial<ChainRecord> = {}) =>
  remark(block, signer, {
    v: 1,
    t: 'delta-commit',
    netuid,
    round,
    hash: deltaCommitHash(signer, netuid, round, cid),
    ...extra,
  } as ChainRecord)
const deltaReveal = (block: number, signer: string, cid: string, shard = 0) =>
  remark(block, signer, { v: 1, t: 'delta-reveal', netuid, round, shard, cid })
const weightsCommit = (block: number, signer: string, hotkeyInHash = signer) =>
  remark(block, signer, {
    v: 1,
    t: 'weights-commit',
    netuid,
    round,
    hash: weightsCommitHash({ hotkey: hotkeyInHash, netuid, round, weights, salt, evalSeed }),
  })
const weightsReveal = (block: number, signer: string, w: WeightEntry[] = weights) =>
  remark(block, signer, { v: 1, t: 'weights-reveal', netuid, round, weights: w, salt, evalSeed, reportCid: cidB })

const happy = () => [
  deltaCommit(80, m0, cidA),
  deltaCommit(84, m1, cidB),
  deltaReveal(88, m0, cidA),
  deltaReveal(91, m1, cidB, 1),
  weightsCommit(95, v0),
  weightsCommit(98, v1),
  weightsReveal(101, v0),
  weightsReveal(105, v1),
]
const collect = (remarks: RawRemark[]) => collectRound({ netuid, round, remarks, members, windows })
const reasons = (remarks: RawRemark[]) => collect(remarks).ignored.map((i) => i.code)

describe('collectRound', () => {
  test('default', () => {
    const out = collect(happy())
    expect(out.ignored).toEqual([])
    expect(out.deltaCommits.map((c) => c.uid)).toEqual([0, 1])
    expect(out.deltaReveals).toEqual([
      { uid: 0, hotkey: m0, shard: 0, cid: cidA, block: 88, index: expect.any(Number) },
      { uid: 1, hotkey: m1, shard: 1, cid: cidB, block: 91, index: expect.any(Number) },
    ])
    expect(out.weightCommits.map((c) => c.uid)).toEqual([2, 3])
    expect(out.weightReveals.map((r) => [r.uid, r.weights, r.salt, r.evalSeed, r.reportCid])).toEqual([
      [2, weights, salt, evalSeed, cidB],
      [3, weights, salt, evalSeed, cidB],
    ])
  })

  test('behavior: the input order does not matter, chain order does', () => {
    const remarks = happy()
    expect(collect([...remarks].reverse())).toEqual(collect(remarks))
  })

  test('behavior: a record in a grace block counts, one block later does not', () => {
    expect(collect([deltaCommit(86, m0, cidA)]).deltaCommits).toHaveLength(1)
    const late = collect([deltaCommit(87, m0, cidA)])
    expect(late.deltaCommits).toEqual([])
    expect(late.ignored[0]).toMatchObject({ block: 87, signer: m0, code: 'window' })
    expect(late.ignored[0].reason).toMatch(/after the commit window \[80, 86\]/)
  })

  test('error: early or late records of every type', () => {
    expect(reasons([deltaCommit(79, m0, cidA)])).toEqual(['window'])
    expect(reasons([deltaCommit(80, m0, cidA), deltaReveal(94, m0, cidA)])).toEqual(['window'])
    expect(reasons([weightsCommit(93, v0)])).toEqual(['window'])
    expect(reasons([weightsCommit(95, v0), weightsReveal(108, v0)])).toEqual(['window'])
  })

  test('error: a commit by an unregistered key, or by the wrong role', () => {
    expect(reasons([deltaCommit(80, outsider, cidA)])).toEqual(['not-member'])
    expect(reasons([deltaCommit(80, v0, cidA), weightsCommit(95, m0)])).toEqual(['role', 'role'])
  })

  test('error: a reveal without a commit, or not matching it', () => {
    expect(reasons([deltaReveal(88, m0, cidA)])).toEqual(['no-commit'])
    expect(reasons([deltaCommit(80, m0, cidA), deltaReveal(88, m0, cidB)])).toEqual(['mismatch'])
    expect(reasons([weightsReveal(101, v0)])).toEqual(['no-commit'])
    expect(reasons([weightsCommit(95, v0), weightsReveal(101, v0, [[0, 1]])])).toEqual(['mismatch'])
  })

  test('error: a miner revealing a CID copied from another miner', () => {
    // m1 saw m0's reveal over gossip and reveals the same CID against its own commit of something else.
    const out = collect([
      deltaCommit(80, m0, cidA),
      deltaCommit(80, m1, cidB),
      deltaReveal(88, m0, cidA),
      deltaReveal(89, m1, cidA),
    ])
    expect(out.deltaReveals.map((r) => r.uid)).toEqual([0])
    expect(out.ignored.map((i) => [i.signer, i.code])).toEqual([[m1, 'mismatch']])
  })

  test("error: a validator revealing another validator's commit", () => {
    // v1 copies v0's commit hash, then copies v0's revealed weights, salt and seed: the hash is bound to v0's key.
    const copied = weightsCommit(96, v1, v0)
    const out = collect([weightsCommit(95, v0), copied, weightsReveal(101, v0), weightsReveal(102, v1)])
    expect(out.weightReveals.map((r) => r.uid)).toEqual([2])
    expect(out.ignored.map((i) => [i.signer, i.code])).toEqual([[v1, 'mismatch']])
  })

  test('error: a duplicate commit is ignored and the first one stands', () => {
    const out = collect([deltaCommit(80, m0, cidA), deltaCommit(81, m0, cidB), deltaReveal(88, m0, cidB)])
    expect(out.ignored.map((i) => [i.block, i.code])).toEqual([
      [81, 'duplicate'],
      [88, 'mismatch'],
    ])
    expect(out.deltaCommits[0].block).toBe(80)
    const twice = collect([deltaCommit(80, m0, cidA), deltaReveal(88, m0, cidA), deltaReveal(89, m0, cidA)])
    expect(twice.deltaReveals).toHaveLength(1)
    expect(twice.ignored.map((i) => [i.block, i.code])).toEqual([[89, 'duplicate']])
  })

  test('error: malformed remark JSON, schema failures and foreign remarks', () => {
    const out = collect([
      remark(80, m0, 'ct1:{"v":1,"t":"delta-commit",'),
      remark(80, m0, `ct1:{"v":1,"t":"delta-commit","netuid":3,"round":2,"hash":"0x00"}`),
      remark(80, m0, 'gm'),
    ])
    expect(out.ignored.map((i) => i.code)).toEqual(['json', 'schema', 'prefix'])
    expect(out.deltaCommits).toEqual([])
  })

  test('error: a record for another netuid or another round', () => {
    expect(reasons([deltaCommit(80, m0, cidA, { netuid: 4 })])).toEqual(['netuid'])
    expect(reasons([deltaCommit(80, m0, cidA, { round: 1 })])).toEqual(['round'])
  })

  test('error: a record inside a failed batch', () => {
    const failed = { ...deltaCommit(80, m0, cidA), success: false }
    const out = collect([failed, deltaReveal(88, m0, cidA)])
    expect(out.ignored.map((i) => i.code)).toEqual(['failed', 'no-commit'])
  })

  test('error: a delta for a shard the miner was not assigned', () => {
    const out = collectRound({
      netuid,
      round,
      members,
      windows,
      remarks: [deltaCommit(80, m0, cidA), deltaReveal(88, m0, cidA, 1)],
      expectedShard: (uid) => uid % 2,
    })
    expect(out.ignored.map((i) => i.code)).toEqual(['shard'])
  })

  test('behavior: a member is matched by public key, whatever the SS58 prefix of the signer', () => {
    const m0polkadot = encodeAddress(new Uint8Array(32).fill(1), 0)
    const out = collect([deltaCommit(80, m0polkadot, cidA), deltaReveal(88, m0polkadot, cidA)])
    expect(out.ignored).toEqual([])
    expect(out.deltaReveals.map((r) => [r.uid, r.hotkey])).toEqual([[0, m0]])
  })

  test('behavior: register records are left to collectRegistrations', () => {
    const reg = remark(80, outsider, { v: 1, t: 'register', netuid, role: 'miner', multiaddrs: [] })
    expect(collect([reg]).ignored).toEqual([])
  })
})
