import { describe, expect, test } from 'vitest'
import { type CommitEntry, collectRound, scheduleFromConfig, weightsCommitHash } from '../../chain/protocol/index.ts'
import { presetConfig } from '../../shared/config/index.ts'
import { createMemoryStorage, NotFoundError } from '../../shared/storage/index.ts'
import {
  badRevealSalt,
  commitToCopy,
  outlierWeights,
  parseFaults,
  revealToCopy,
  withUnreachable,
  wrongSettlePayouts,
} from './index.ts'

const ALICE = '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY'
const BOB = '5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty'

describe('parseFaults', () => {
  test('default: kinds, repeated or joined with +', () => {
    expect([...parseFaults(['outlier', 'no-reveal+offline'])]).toEqual(['outlier', 'no-reveal', 'offline'])
  })
  test('error: an unknown kind or two faults of one step are usage errors', () => {
    expect(() => parseFaults(['lazy'])).toThrow(/Unknown validator fault "lazy"/)
    expect(() => parseFaults(['copier+bad-reveal'])).toThrow(/both act on the reveal step/)
    expect(() => parseFaults(['offline', 'wrong-settle'])).toThrow(/settle step/)
  })
})

describe('outlierWeights', () => {
  test('behavior: all weight goes to the miner the honest weights rate lowest', () => {
    expect(
      outlierWeights(
        [
          [1, 65535],
          [2, 30000],
        ],
        [1, 2],
      ),
    ).toEqual([[2, 65535]])
    // A miner left out of the honest weights (0) is the lowest; ties go to the highest uid.
    expect(outlierWeights([[1, 65535]], [1, 2, 3])).toEqual([[3, 65535]])
    expect(outlierWeights([], [])).toEqual([])
  })
})

describe('copier', () => {
  const commit = (hotkey: string, block: number): CommitEntry => ({
    uid: 0,
    hotkey,
    hash: `0x${'1'.repeat(64)}`,
    block,
    index: 1,
  })
  test('behavior: copies the earliest commit of another validator, never its own', () => {
    expect(commitToCopy([commit(ALICE, 5), commit(BOB, 4)], BOB)?.hotkey).toBe(ALICE)
    expect(commitToCopy([commit(BOB, 4)], BOB)).toBeUndefined()
  })

  test('behavior: a copied reveal does not match under the copier hotkey, so collectRound ignores it', () => {
    const config = presetConfig('tiny')
    const schedule = scheduleFromConfig(config.round, 10)
    const w = schedule.forRound(0)
    const salt = `0x${'2'.repeat(64)}` as const
    const evalSeed = `0x${'3'.repeat(64)}` as const
    const weights: [number, number][] = [[2, 65535]]
    const hash = weightsCommitHash({ hotkey: ALICE, netuid: 1, round: 0, weights, salt, evalSeed })
    const commitText = JSON.stringify({ v: 1, t: 'weights-commit', netuid: 1, round: 0, hash })
    const revealText = JSON.stringify({
      v: 1,
      t: 'weights-reveal',
      netuid: 1,
      round: 0,
      weights,
      salt,
      evalSeed,
      reportCid: 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy',
    })
    const remark = (signer: string, block: number, text: string) => ({
      block,
      index: 1,
      signer,
      success: true,
      text: `ct1:${text}`,
    })
    const members = new Map([
      [ALICE, { uid: 0, role: 'validator' as const }],
      [BOB, { uid: 1, role: 'validator' as const }],
    ])
    const first = collectRound({
      netuid: 1,
      round: 0,
      remarks: [remark(ALICE, w.evaluate.start, commitText), remark(ALICE, w.weightsReveal.start, revealText)],
      members,
      windows: schedule,
    })
    const toCopy = commitToCopy(first.weightCommits, BOB)
    const reveal = revealToCopy(first.weightReveals, first.weightCommits, BOB)
    expect(toCopy?.hash).toBe(hash)
    expect(reveal?.hotkey).toBe(ALICE)
    const copied = collectRound({
      netuid: 1,
      round: 0,
      remarks: [
        remark(ALICE, w.evaluate.start, commitText),
        remark(BOB, w.evaluate.start + 1, commitText),
        remark(ALICE, w.weightsReveal.start, revealText),
        remark(BOB, w.weightsReveal.start + 1, revealText),
      ],
      members,
      windows: schedule,
    })
    expect(copied.weightCommits.map((c) => c.uid)).toEqual([0, 1])
    expect(copied.weightReveals.map((c) => c.uid)).toEqual([0])
    expect(copied.ignored.map((i) => i.code)).toEqual(['mismatch'])
  })
})

describe('badRevealSalt / wrongSettlePayouts', () => {
  test('behavior: a bad reveal carries another salt', () => {
    const salt = `0x${'4'.repeat(64)}` as const
    expect(badRevealSalt(salt)).toMatch(/^0x[0-9a-f]{64}$/)
    expect(badRevealSalt(salt)).not.toBe(salt)
  })
  test('behavior: a wrong settlement pays the faulty validator the emission on top', () => {
    const honest = [{ address: ALICE, amount: 10n }]
    expect(wrongSettlePayouts(honest, BOB, 100n)).toEqual([...honest, { address: BOB, amount: 100n }])
    expect(wrongSettlePayouts(honest, ALICE, 100n)).toEqual([{ address: ALICE, amount: 110n }])
    expect(honest[0].amount).toBe(10n)
  })
})

describe('withUnreachable', () => {
  test('behavior: the listed CIDs cannot be fetched; everything else reads through', async () => {
    const storage = createMemoryStorage()
    await storage.start()
    const a = (await storage.add(new TextEncoder().encode('a'))).toString()
    const b = (await storage.add(new TextEncoder().encode('b'))).toString()
    const cut = withUnreachable(storage, new Set([a]))
    await expect(cut.get(a, { maxBytes: 10 })).rejects.toBeInstanceOf(NotFoundError)
    expect(new TextDecoder().decode(await cut.get(b, { maxBytes: 10 }))).toBe('b')
  })
})
