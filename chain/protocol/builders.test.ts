import { encodeAddress } from '@polkadot/util-crypto'
import { describe, expect, test } from 'vitest'
import {
  deltaCommitRecord,
  deltaRevealRecord,
  randomHex32,
  registerRecord,
  remarkText,
  weightsCommitRecord,
  weightsFromScores,
  weightsRevealRecord,
} from './builders.ts'
import { collectRound } from './collectRound.ts'
import { encodeRecord } from './encodeRecord.ts'
import { roundWindows } from './roundWindows.ts'

const miner = encodeAddress(new Uint8Array(32).fill(1), 42)
const validator = encodeAddress(new Uint8Array(32).fill(2), 42)
const cid = 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy'

describe('record builders', () => {
  test('default', () => {
    // Records built here pass every rule of collectRound when sent in their windows.
    const windows = roundWindows({
      tempo: 10,
      windows: { commit: 2, reveal: 2, evaluate: 2, weightsReveal: 2 },
      grace: 0,
    })
    const salt = randomHex32()
    const evalSeed = randomHex32()
    const weights = weightsFromScores(new Map([[0, 0.25]]))
    const at = (block: number, signer: string, record: Parameters<typeof encodeRecord>[0]) => ({
      block,
      index: 1,
      signer,
      success: true,
      text: encodeRecord(record),
    })
    const out = collectRound({
      netuid: 1,
      round: 0,
      windows,
      members: new Map([
        [miner, { uid: 0, role: 'miner' as const }],
        [validator, { uid: 1, role: 'validator' as const }],
      ]),
      remarks: [
        at(0, miner, deltaCommitRecord({ hotkey: miner, netuid: 1, round: 0, cid })),
        at(2, miner, deltaRevealRecord({ netuid: 1, round: 0, shard: 0, cid })),
        at(4, validator, weightsCommitRecord({ hotkey: validator, netuid: 1, round: 0, weights, salt, evalSeed })),
        at(6, validator, weightsRevealRecord({ netuid: 1, round: 0, weights, salt, evalSeed, reportCid: cid })),
      ],
    })
    expect(out.ignored).toEqual([])
    expect(out.weightReveals[0].weights).toEqual([[0, 65535]])
    expect(out.deltaReveals[0].cid).toBe(cid)
    expect(encodeRecord(registerRecord({ netuid: 1, role: 'miner', multiaddrs: [] }))).toBe(
      'ct1:{"multiaddrs":[],"netuid":1,"role":"miner","t":"register","v":1}',
    )
  })

  test('behavior: scores become u16 weights scaled to the best, sorted, zeros and junk dropped', () => {
    const scores = new Map([
      [5, 2],
      [1, 1],
      [3, 0],
      [4, -1],
      [2, Number.NaN],
      [7, 1e-9],
    ])
    expect(weightsFromScores(scores)).toEqual([
      [1, 32768],
      [5, 65535],
    ])
    expect(weightsFromScores(new Map())).toEqual([])
  })

  test('behavior: remark bytes that are not UTF-8 give null', () => {
    expect(remarkText(new TextEncoder().encode('ct1:{}'))).toBe('ct1:{}')
    expect(remarkText(new Uint8Array([0xff, 0xfe]))).toBeNull()
  })
})
