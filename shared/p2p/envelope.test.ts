import { Keyring } from '@polkadot/keyring'
import { cryptoWaitReady } from '@polkadot/util-crypto'
import { beforeAll, describe, expect, test } from 'vitest'
import { canonicalJson } from './canonicalJson.ts'
import { checkWire, ENVELOPE_VERSION, type Envelope, encodeSigned } from './envelope.ts'

const envelope = (hotkey: string): Envelope => ({
  v: ENVELOPE_VERSION,
  type: 'delta-reveal',
  netuid: 1,
  round: 4,
  expiresAt: 1_900_000_000_000,
  hotkey,
  body: { shard: 0, cid: 'bafk' },
})

describe('canonicalJson', () => {
  test('default: keys sorted at every depth, no whitespace', () => {
    expect(canonicalJson({ b: 1, a: [{ d: true, c: null }], e: 'x' })).toBe('{"a":[{"c":null,"d":true}],"b":1,"e":"x"}')
  })

  test('error: values JSON cannot carry exactly are refused', () => {
    expect(() => canonicalJson({ n: Number.POSITIVE_INFINITY })).toThrow(TypeError)
    expect(() => canonicalJson({ d: new Date(0) })).toThrow(TypeError)
    expect(() => canonicalJson({ b: 1n })).toThrow(TypeError)
  })
})

describe('checkWire', () => {
  const keyring = new Keyring({ type: 'sr25519' })
  beforeAll(async () => {
    await cryptoWaitReady()
  })

  test('default: a message signed by its hotkey passes, whatever the key order on the wire', () => {
    const alice = keyring.addFromUri('//Alice')
    const wire = JSON.parse(new TextDecoder().decode(encodeSigned(envelope(alice.address), alice)))
    const reordered = { signature: wire.signature, envelope: { ...wire.envelope, body: { cid: 'bafk', shard: 0 } } }
    const result = checkWire(new TextEncoder().encode(JSON.stringify(reordered, null, 2)), 4096)
    expect(result).toMatchObject({ ok: true, envelope: { hotkey: alice.address, round: 4 } })
  })

  test('error: an ed25519 signature by the same address is not an sr25519 hotkey signature', () => {
    const ed = new Keyring({ type: 'ed25519' }).addFromUri('//Alice')
    const result = checkWire(encodeSigned(envelope(ed.address), ed), 4096)
    expect(result).toMatchObject({ ok: false, verdict: 'reject', reason: expect.stringContaining('sr25519') })
  })

  test('error: unknown fields, wrong version and a bad hotkey are rejected by the schema', () => {
    const alice = keyring.addFromUri('//Alice')
    const signed = JSON.parse(new TextDecoder().decode(encodeSigned(envelope(alice.address), alice)))
    const bad = [
      { ...signed, extra: 1 },
      { ...signed, envelope: { ...signed.envelope, v: 2 } },
      { ...signed, envelope: { ...signed.envelope, hotkey: 'x'.repeat(48) } },
    ]
    for (const b of bad) {
      expect(checkWire(new TextEncoder().encode(JSON.stringify(b)), 4096)).toMatchObject({
        ok: false,
        verdict: 'reject',
      })
    }
  })
})
