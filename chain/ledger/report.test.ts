import { Keyring } from '@polkadot/keyring'
import { cryptoWaitReady } from '@polkadot/util-crypto'
import { beforeAll, describe, expect, test } from 'vitest'
import { BadReportSignatureError, DocumentMismatchError, InvalidDocumentError } from './errors.ts'
import { encodeScoreReport, parseScoreReport, type ScoreReport, vouchedUids } from './report.ts'

const cidA = 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy'
let keyring: Keyring

beforeAll(async () => {
  await cryptoWaitReady()
  keyring = new Keyring({ type: 'sr25519', ss58Format: 42 })
})

function sampleReport(validator: string, miner: string): ScoreReport {
  return {
    v: 1,
    netuid: 7,
    round: 3,
    validator,
    evalPages: [4, 9],
    rows: [
      {
        uid: 2,
        hotkey: miner,
        cid: cidA,
        shard: 0,
        fetched: true,
        valid: true,
        lossBase: 3.1,
        lossStep: 3,
        improvement: 0.1,
        score: 0.1,
      },
      { uid: 3, hotkey: miner, cid: cidA, shard: 1, fetched: false, valid: false, reason: 'timeout', score: 0 },
    ],
  }
}

describe('score report', () => {
  test('default', () => {
    const v = keyring.addFromUri('//Alice')
    const m = keyring.addFromUri('//Bob')
    const bytes = encodeScoreReport(sampleReport(v.address, m.address), v)
    const parsed = parseScoreReport(bytes, { netuid: 7, round: 3, validator: v.address })
    expect(parsed.report).toEqual(sampleReport(v.address, m.address))
    expect([...vouchedUids(parsed.report)]).toEqual([2])
    // Canonical: encoding the same report again gives the same bytes (sr25519 signatures are randomised,
    // so compare the report part only).
    expect(JSON.parse(new TextDecoder().decode(bytes)).report).toEqual(parsed.report)
  })

  test('error: a report signed by another key is refused', () => {
    const v = keyring.addFromUri('//Alice')
    const m = keyring.addFromUri('//Bob')
    const bytes = encodeScoreReport(sampleReport(v.address, m.address), v)
    const wire = JSON.parse(new TextDecoder().decode(bytes))
    wire.report.rows[0].score = 0.5
    expect(() => parseScoreReport(new TextEncoder().encode(JSON.stringify(wire)))).toThrow(BadReportSignatureError)
  })

  test('error: unknown keys, unsorted rows and unexplained zeros are refused', () => {
    const v = keyring.addFromUri('//Alice')
    const m = keyring.addFromUri('//Bob')
    const bad: unknown[] = [
      { ...sampleReport(v.address, m.address), extra: 1 },
      { ...sampleReport(v.address, m.address), rows: [...sampleReport(v.address, m.address).rows].reverse() },
      {
        ...sampleReport(v.address, m.address),
        rows: [{ ...sampleReport(v.address, m.address).rows[1], reason: undefined }],
      },
    ]
    for (const report of bad) {
      const bytes = new TextEncoder().encode(JSON.stringify({ report, signature: `0x${'00'.repeat(64)}` }))
      expect(() => parseScoreReport(bytes)).toThrow(InvalidDocumentError)
    }
  })

  test('error: a report for another round is refused', () => {
    const v = keyring.addFromUri('//Alice')
    const bytes = encodeScoreReport(sampleReport(v.address, v.address), v)
    expect(() => parseScoreReport(bytes, { round: 4 })).toThrow(DocumentMismatchError)
  })
})
