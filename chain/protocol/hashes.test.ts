import { encodeAddress } from '@polkadot/util-crypto'
import { describe, expect, test } from 'vitest'
import { InvalidHashInputError } from './errors.ts'
import { deltaCommitHash, weightsCommitHash } from './hashes.ts'

const alice = encodeAddress(new Uint8Array(32).fill(1), 42)
const bob = encodeAddress(new Uint8Array(32).fill(2), 42)
const cid = 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy'
const salt = `0x${'aa'.repeat(32)}`
const evalSeed = `0x${'bb'.repeat(32)}`

// Golden values computed independently with Python's hashlib.blake2b(digest_size=32) over the byte
// layouts documented in hashes.ts (public key 0x01×32, netuid 7, round 3).
describe('deltaCommitHash', () => {
  test('default', () => {
    expect(deltaCommitHash(alice, 7, 3, cid)).toBe('0xfa48df8267d9215bcc180d48c5221fa84b244cce68dc9dabafc9abed1c85f54c')
  })

  test('behavior: bound to the hotkey, not to its SS58 network prefix', () => {
    expect(deltaCommitHash(bob, 7, 3, cid)).not.toBe(deltaCommitHash(alice, 7, 3, cid))
    const alicePolkadot = encodeAddress(new Uint8Array(32).fill(1), 0)
    expect(deltaCommitHash(alicePolkadot, 7, 3, cid)).toBe(deltaCommitHash(alice, 7, 3, cid))
  })

  test('behavior: netuid and round change the hash', () => {
    expect(deltaCommitHash(alice, 8, 3, cid)).not.toBe(deltaCommitHash(alice, 7, 3, cid))
    expect(deltaCommitHash(alice, 7, 4, cid)).not.toBe(deltaCommitHash(alice, 7, 3, cid))
  })

  test('error: a hotkey or CID that does not parse', () => {
    expect(() => deltaCommitHash('5Grwva', 7, 3, cid)).toThrow(InvalidHashInputError)
    expect(() => deltaCommitHash(alice, 7, 3, 'not-a-cid')).toThrow(InvalidHashInputError)
    expect(() => deltaCommitHash(alice, -1, 3, cid)).toThrow(InvalidHashInputError)
  })
})

describe('weightsCommitHash', () => {
  const input = {
    hotkey: alice,
    netuid: 7,
    round: 3,
    weights: [[1, 65535] as [number, number], [4, 100] as [number, number]],
    salt,
    evalSeed,
  }

  test('default', () => {
    expect(weightsCommitHash(input)).toBe('0xcbcd513933dd24c10e2a51dbf81a8a10e13ce767861b2da5bf9bc1a7e4636d61')
  })

  test('behavior: another validator gets another hash for the same weights', () => {
    expect(weightsCommitHash({ ...input, hotkey: bob })).not.toBe(weightsCommitHash(input))
  })

  test('behavior: every field is bound', () => {
    const base = weightsCommitHash(input)
    expect(weightsCommitHash({ ...input, weights: [[1, 65535]] })).not.toBe(base)
    expect(weightsCommitHash({ ...input, salt: `0x${'ab'.repeat(32)}` })).not.toBe(base)
    expect(weightsCommitHash({ ...input, evalSeed: `0x${'bc'.repeat(32)}` })).not.toBe(base)
  })

  test('error: salt of the wrong length or a weight above u16', () => {
    expect(() => weightsCommitHash({ ...input, salt: '0xaa' })).toThrow(InvalidHashInputError)
    expect(() => weightsCommitHash({ ...input, weights: [[1, 70000]] })).toThrow(InvalidHashInputError)
  })
})
