import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { silentLogger } from '../logger/index.ts'
import { createHeliaStorage, type HeliaStorage } from './createHeliaStorage.ts'
import { dialMissing } from './dialMissing.ts'

let dir: string
let a: HeliaStorage
let b: HeliaStorage

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'crowdtrain-dial-'))
  const node = (name: string) =>
    createHeliaStorage({ dir: join(dir, name), listen: ['/ip4/127.0.0.1/tcp/0'], logger: silentLogger })
  ;[a, b] = await Promise.all([node('a'), node('b')])
}, 60_000)

afterAll(async () => {
  await Promise.allSettled([a?.stop(), b?.stop()])
  await rm(dir, { recursive: true, force: true })
})

const connectedTo = (s: HeliaStorage, peer: string) =>
  s.libp2p.getConnections().some((c) => c.remotePeer.toString() === peer)

describe('dialMissing', () => {
  test('default: dials a peer that is not connected, and leaves a connected one alone', async () => {
    const tries = new Map<string, number>()
    const addr = b.multiaddrs()[0]
    expect(await dialMissing(a, [addr], tries, { everyMs: 10_000 })).toEqual([{ addr, ok: true }])
    expect(connectedTo(a, b.peerId)).toBe(true)
    expect(await dialMissing(a, [addr], tries, { everyMs: 10_000, now: Date.now() + 60_000 })).toEqual([])
  })

  test('behavior: a dropped connection is dialled again, but not more often than asked', async () => {
    const tries = new Map<string, number>()
    const addr = b.multiaddrs()[0]
    await a.libp2p.hangUp(b.libp2p.peerId)
    expect(await dialMissing(a, [addr], tries, { everyMs: 10_000 })).toEqual([{ addr, ok: true }])
    await a.libp2p.hangUp(b.libp2p.peerId)
    expect(connectedTo(a, b.peerId)).toBe(false)
    expect(await dialMissing(a, [addr], tries, { everyMs: 10_000 })).toEqual([])
    const later = Date.now() + 10_000
    expect(await dialMissing(a, [addr], tries, { everyMs: 10_000, now: later })).toEqual([{ addr, ok: true }])
    expect(connectedTo(a, b.peerId)).toBe(true)
  })

  test('behavior: an unreachable address and its own address give no connection, with a reason for the first', async () => {
    const own = a.multiaddrs()[0]
    const gone = `/ip4/127.0.0.1/tcp/1/p2p/${b.peerId}`
    await a.libp2p.hangUp(b.libp2p.peerId)
    const out = await dialMissing(a, [own, gone, '/ip4/127.0.0.1/tcp/2'], new Map(), { everyMs: 1 })
    expect(out).toHaveLength(1)
    expect(out[0]).toMatchObject({ addr: gone, ok: false })
    expect(out[0].ok ? '' : out[0].reason).toMatch(/127\.0\.0\.1\/tcp\/1/)
  })
})
