import { base58btc } from 'multiformats/bases/base58'
import { CID } from 'multiformats/cid'
import { describe, expect, test } from 'vitest'
import { encodeRecord } from './encodeRecord.ts'
import { InvalidRecordError } from './errors.ts'
import { parseRecord } from './parseRecord.ts'
import type { ChainRecord } from './records.ts'

const hash = `0x${'12'.repeat(32)}`
const cid = 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy'
const stake = '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY'
const records: ChainRecord[] = [
  { v: 1, t: 'register', netuid: 1, role: 'miner', multiaddrs: ['/ip4/127.0.0.1/tcp/4001'] },
  { v: 1, t: 'register', netuid: 1, role: 'validator', multiaddrs: [], stakeAccount: stake },
  { v: 1, t: 'delta-commit', netuid: 1, round: 5, hash },
  { v: 1, t: 'delta-reveal', netuid: 1, round: 5, shard: 1, cid },
  { v: 1, t: 'weights-commit', netuid: 1, round: 5, hash },
  {
    v: 1,
    t: 'weights-reveal',
    netuid: 1,
    round: 5,
    weights: [
      [0, 10],
      [3, 65535],
    ],
    salt: hash,
    evalSeed: hash,
    reportCid: cid,
  },
]

describe('encodeRecord / parseRecord', () => {
  test('default', () => {
    for (const record of records) expect(parseRecord(encodeRecord(record))).toEqual({ ok: true, record })
  })

  test('behavior: the encoding is canonical (sorted keys, no spaces) whatever the key order', () => {
    const text = encodeRecord({ round: 5, hash, t: 'delta-commit', netuid: 1, v: 1 } as ChainRecord)
    expect(text).toBe(`ct1:{"hash":"${hash}","netuid":1,"round":5,"t":"delta-commit","v":1}`)
  })

  test('error: encodeRecord refuses a record its schema rejects', () => {
    expect(() => encodeRecord({ v: 1, t: 'delta-commit', netuid: 1, round: 5, hash: '0x12' })).toThrow(
      InvalidRecordError,
    )
  })
})

describe('parseRecord', () => {
  const reject = (text: string) => {
    const r = parseRecord(text)
    if (r.ok) throw new Error(`accepted ${text}`)
    return r
  }

  test('error: not ours, not JSON, not an object, too big', () => {
    expect(reject('hello').code).toBe('prefix')
    expect(reject('ct1:{"v":1,').code).toBe('json')
    expect(reject('ct1:[1]').code).toBe('json')
    expect(reject(`ct1:${' '.repeat(70_000)}{}`).code).toBe('size')
    expect(parseRecord(42).ok).toBe(false)
  })

  test('error: unknown version or record type', () => {
    expect(reject('ct1:{"v":2,"t":"delta-commit"}').reason).toMatch(/version 2/)
    expect(reject('ct1:{"v":1,"t":"steal"}').reason).toMatch(/unknown record type/)
  })

  test('error: unknown fields (strict schemas)', () => {
    expect(reject(`ct1:{"v":1,"t":"delta-commit","netuid":1,"round":5,"hash":"${hash}","x":1}`).reason).toMatch(/x/)
  })

  test('error: wrong forms of hashes, CIDs, integers and addresses', () => {
    const dc = (extra: string) => `ct1:{"v":1,"t":"delta-commit","netuid":1,"round":5,${extra}}`
    expect(reject(dc(`"hash":"0x${'AB'.repeat(32)}"`)).reason).toMatch(/hash/)
    expect(reject(dc(`"hash":"0x12"`)).reason).toMatch(/hash/)
    expect(reject(`ct1:{"v":1,"t":"delta-commit","netuid":1,"round":-1,"hash":"${hash}"}`).reason).toMatch(/round/)
    expect(reject(`ct1:{"v":1,"t":"delta-commit","netuid":1.5,"round":1,"hash":"${hash}"}`).reason).toMatch(/netuid/)
    const dr = (c: string) => `ct1:{"v":1,"t":"delta-reveal","netuid":1,"round":5,"shard":0,"cid":"${c}"}`
    expect(reject(dr('bafy-not-a-cid')).reason).toMatch(/cid/)
    // The same CID in base58btc is not its canonical (base32) form.
    expect(reject(dr(CID.parse(cid).toString(base58btc))).reason).toMatch(/canonical/)
    const reg = (extra: string) => `ct1:{"v":1,"t":"register","netuid":1,"role":"validator",${extra}}`
    expect(reject(reg(`"multiaddrs":["/ip4/1.2.3.4/tcp"]`)).reason).toMatch(/multiaddr/)
    expect(reject(reg(`"multiaddrs":[],"stakeAccount":"5Grwva"`)).reason).toMatch(/SS58/)
    const many = JSON.stringify(Array.from({ length: 9 }, () => '/ip4/1.2.3.4/tcp/1'))
    expect(reject(reg(`"multiaddrs":${many}`)).reason).toMatch(/multiaddrs/)
  })

  test('error: cross-field rules', () => {
    const miner = `ct1:{"v":1,"t":"register","netuid":1,"role":"miner","multiaddrs":[],"stakeAccount":"${stake}"}`
    expect(reject(miner).reason).toMatch(/only validators/)
    const wr = (w: string) =>
      `ct1:{"v":1,"t":"weights-reveal","netuid":1,"round":5,"weights":${w},"salt":"${hash}","evalSeed":"${hash}","reportCid":"${cid}"}`
    expect(parseRecord(wr('[[0,1],[2,3]]')).ok).toBe(true)
    expect(reject(wr('[[2,1],[0,3]]')).reason).toMatch(/ascending/)
    expect(reject(wr('[[2,1],[2,3]]')).reason).toMatch(/ascending/)
    expect(reject(wr('[[2,70000]]')).reason).toMatch(/weights/)
  })
})
