import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Keyring } from '@polkadot/keyring'
import type { KeyringPair } from '@polkadot/keyring/types'
import { cryptoWaitReady } from '@polkadot/util-crypto'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { z } from 'zod'
import { memoryLogger, silentLogger } from '../shared/logger/index.ts'
import {
  createGossip,
  ENVELOPE_VERSION,
  type Envelope,
  encodeSigned,
  type Gossip,
  type GossipMessage,
  gossipTopic,
  InvalidGossipMessageError,
} from '../shared/p2p/index.ts'
import { createHeliaStorage, type HeliaStorage } from '../shared/storage/index.ts'

const NETUID = 7
const topic = gossipTopic(NETUID)

async function until(check: () => boolean, what: string, ms = 15_000): Promise<void> {
  const end = Date.now() + ms
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

describe('gossip between two nodes on 127.0.0.1', () => {
  let root: string
  let a: HeliaStorage
  let b: HeliaStorage
  let alice: KeyringPair
  let bob: KeyringPair
  let charlie: KeyringPair
  let gossipA: Gossip
  let gossipB: Gossip
  const received: GossipMessage[] = []
  const logB = memoryLogger('debug')

  beforeAll(async () => {
    await cryptoWaitReady()
    const keyring = new Keyring({ type: 'sr25519' })
    alice = keyring.addFromUri('//Alice')
    bob = keyring.addFromUri('//Bob')
    charlie = keyring.addFromUri('//Charlie')
    root = await mkdtemp(join(tmpdir(), 'crowdtrain-gossip-'))
    const listen = ['/ip4/127.0.0.1/tcp/0']
    a = await createHeliaStorage({ dir: join(root, 'a'), listen, logger: silentLogger })
    b = await createHeliaStorage({ dir: join(root, 'b'), listen, logger: silentLogger, peers: a.multiaddrs() })
    gossipA = createGossip({ libp2p: a.libp2p, netuid: NETUID, signer: alice, logger: silentLogger })
    // b knows Alice and Bob as members of the subnet; Charlie is not one.
    const members = new Set([alice.address, bob.address])
    gossipB = createGossip({
      libp2p: b.libp2p,
      netuid: NETUID,
      signer: bob,
      logger: logB,
      isMember: (hotkey) => members.has(hotkey),
    })
    gossipB.subscribe((m) => {
      received.push(m)
    })
    // Each side learns the other's subscription over the stream that side opened: b appearing at a
    // proves b → a is open, a appearing at b proves a → b is (gossipsub sends only over its own
    // outbound stream, so a publish before that reaches nobody — CI once saw exactly that).
    await until(
      () =>
        a.libp2p.services.pubsub.getSubscribers(topic).some((p) => p.equals(b.libp2p.peerId)) &&
        b.libp2p.services.pubsub.getSubscribers(topic).some((p) => p.equals(a.libp2p.peerId)),
      'a and b to see each other subscribed',
    )
  })
  afterAll(async () => {
    gossipA?.stop()
    gossipB?.stop()
    await a?.stop()
    await b?.stop()
    await rm(root, { recursive: true, force: true })
  })

  /** Publishes raw bytes from a, around gossip's own checks, as a malicious peer would. */
  const raw = (data: Uint8Array) => a.libp2p.services.pubsub.publish(topic, data)
  const envelope = (over: Partial<Envelope> = {}): Envelope => ({
    v: ENVELOPE_VERSION,
    type: 'delta-reveal',
    netuid: NETUID,
    round: 3,
    expiresAt: Date.now() + 60_000,
    hotkey: alice.address,
    body: { cid: 'bafkreiexample', shard: 1 },
    ...over,
  })
  /** Sends a valid marker message and waits for it: everything a sent before it has been judged by then. */
  const flush = async (label: string) => {
    await gossipA.publish('marker', 3, { label }, { ttlMs: 60_000 })
    await until(() => received.some((m) => m.type === 'marker' && (m.body as { label: string }).label === label), label)
  }

  test('default: a signed message published on one node reaches the other with its sender', async () => {
    const sent = await gossipA.publish('delta-reveal', 3, { cid: 'bafkreiabc', shard: 2 }, { ttlMs: 60_000 })
    expect(sent.recipients).toBe(1)
    await until(() => received.some((m) => m.type === 'delta-reveal'), 'the reveal')
    const got = received.find((m) => m.type === 'delta-reveal')
    expect(got).toMatchObject({
      netuid: NETUID,
      round: 3,
      hotkey: alice.address,
      body: { cid: 'bafkreiabc', shard: 2 },
    })
    expect(got?.from).toBe(a.peerId)
  })

  test('error: forged, tampered, malformed, oversized and wrong-subnet messages are rejected before any handler', async () => {
    received.length = 0
    // Signed by Bob while claiming to be Alice.
    const forged = JSON.parse(new TextDecoder().decode(encodeSigned(envelope({ round: 101 }), bob)))
    forged.envelope.hotkey = alice.address
    await raw(new TextEncoder().encode(JSON.stringify(forged)))
    // Signed by Alice, body changed afterwards.
    const tampered = JSON.parse(new TextDecoder().decode(encodeSigned(envelope({ round: 102 }), alice)))
    tampered.envelope.body.shard = 9
    await raw(new TextEncoder().encode(JSON.stringify(tampered)))
    await raw(new TextEncoder().encode('{"envelope": not json'))
    await raw(encodeSigned(envelope({ round: 103, body: 'x'.repeat(20_000) }), alice))
    await raw(encodeSigned(envelope({ round: 104, netuid: NETUID + 1 }), alice))
    await raw(
      new TextEncoder().encode(JSON.stringify({ envelope: envelope({ round: 105 }), signature: '0x00', extra: 1 })),
    )
    await flush('after-forgeries')
    // gossipsub validates a few messages concurrently, so the marker may overtake the last of them.
    const verdicts = (v: string) => logB.records.filter((r) => r.verdict === v).map((r) => String(r.reason))
    await until(() => verdicts('reject').length >= 6, 'six rejections')
    expect(received.map((m) => m.type)).toEqual(['marker'])
    const rejects = verdicts('reject')
    expect(rejects).toHaveLength(6)
    for (const [word, count] of [
      ['sr25519', 2],
      ['JSON', 1],
      ['exceeds', 1],
      ['netuid', 1],
      ['schema', 1],
    ] as const) {
      expect(rejects.filter((r) => r.includes(word))).toHaveLength(count)
    }
  })

  test('behavior: expired, repeated and non-member messages are ignored, not delivered', async () => {
    received.length = 0
    await raw(encodeSigned(envelope({ round: 201, expiresAt: Date.now() - 1000 }), alice))
    const once = encodeSigned(envelope({ round: 202 }), alice)
    await raw(once)
    // The same signed envelope again, under a new gossipsub sequence number (a replay).
    await raw(Uint8Array.from(once))
    await raw(encodeSigned(envelope({ round: 203, hotkey: charlie.address }), charlie))
    await flush('after-ignored')
    await until(() => logB.records.filter((r) => r.verdict === 'ignore').length >= 3, 'three ignored messages')
    expect(received.filter((m) => m.type === 'delta-reveal').map((m) => m.round)).toEqual([202])
    const ignored = logB.records.filter((r) => r.verdict === 'ignore').map((r) => String(r.reason))
    expect(ignored.sort()).toEqual(['already seen', 'expired', expect.stringContaining('not a member')])
  })

  test('behavior: with body schemas, unknown types are ignored and malformed bodies rejected', async () => {
    const other = 8
    const bodies = { 'delta-reveal': z.object({ cid: z.string(), shard: z.number().int() }).strict() }
    const log = memoryLogger('debug')
    const sender = createGossip({ libp2p: a.libp2p, netuid: other, signer: alice, logger: silentLogger })
    const receiver = createGossip({ libp2p: b.libp2p, netuid: other, signer: bob, logger: log, bodies })
    const got: GossipMessage[] = []
    receiver.subscribe((m) => {
      got.push(m)
    })
    try {
      await until(
        () => a.libp2p.services.pubsub.getSubscribers(gossipTopic(other)).some((p) => p.equals(b.libp2p.peerId)),
        'b to subscribe to the second topic',
      )
      await sender.publish('delta-reveal', 1, { cid: 'bafk', shard: 'one' }, { ttlMs: 60_000 })
      await sender.publish('weights-hint', 1, {}, { ttlMs: 60_000 })
      await sender.publish('delta-reveal', 1, { cid: 'bafk', shard: 1 }, { ttlMs: 60_000 })
      const count = (v: string) => log.records.filter((r) => r.verdict === v).length
      await until(() => got.length === 1 && count('reject') === 1 && count('ignore') === 1, 'three verdicts')
      expect(got[0]).toMatchObject({ type: 'delta-reveal', netuid: other, body: { cid: 'bafk', shard: 1 } })
    } finally {
      sender.stop()
      receiver.stop()
    }
  })

  test('error: publishing a body that is not plain JSON or a bad ttl fails with a typed error', async () => {
    await expect(gossipA.publish('hint', 1, { n: Number.NaN }, { ttlMs: 1000 })).rejects.toBeInstanceOf(
      InvalidGossipMessageError,
    )
    await expect(gossipA.publish('hint', 1, {}, { ttlMs: 0 })).rejects.toBeInstanceOf(InvalidGossipMessageError)
    await expect(gossipA.publish('hint', 1, 'x'.repeat(20_000), { ttlMs: 1000 })).rejects.toBeInstanceOf(
      InvalidGossipMessageError,
    )
  })
})
