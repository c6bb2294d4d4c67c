import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { silentLogger } from '../shared/logger/index.ts'
import {
  createHeliaStorage,
  type HeliaStorage,
  InvalidMultiaddrError,
  PeerUnreachableError,
  SERVING_LISTEN,
  StorageUnavailableError,
} from '../shared/storage/index.ts'

const listen = ['/ip4/127.0.0.1/tcp/0']

describe('Helia nodes exchange content over bitswap on 127.0.0.1', () => {
  let root: string
  const nodes: HeliaStorage[] = []
  const node = async (name: string, peers?: string[]) => {
    const n = await createHeliaStorage({ dir: join(root, name), listen, logger: silentLogger, peers })
    nodes.push(n)
    return n
  }
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'crowdtrain-bitswap-'))
  })
  afterAll(async () => {
    for (const n of nodes) await n.stop()
    await rm(root, { recursive: true, force: true })
  })

  test('default: a 10 MB object added on one node is fetched byte-exactly by another, which then serves it', async () => {
    const a = await node('a')
    const b = await node('b', a.multiaddrs())
    const bytes = randomBytes(10_000_000)
    const cid = await a.add(bytes)
    expect(await b.has(cid)).toBe(false)
    const got = await b.get(cid, { maxBytes: 10_000_000, timeoutMs: 60_000 })
    expect(Buffer.compare(got, bytes)).toBe(0)
    expect(await b.has(cid)).toBe(true)
    // A third node that knows only b gets it from b: validators serve what they fetched.
    const c = await node('c', b.multiaddrs())
    const fromB = await c.get(cid.toString(), { maxBytes: 10_000_000, timeoutMs: 60_000 })
    expect(Buffer.compare(fromB, bytes)).toBe(0)
  })

  test('behavior: a validator fetches from a miner over the connection the miner dialled (miners behind NAT)', async () => {
    const validator = await node('v')
    const miner = await node('m', validator.multiaddrs())
    const delta = randomBytes(1_300_000)
    const cid = await miner.add(delta)
    const got = await validator.get(cid, { maxBytes: 2_000_000, timeoutMs: 30_000 })
    expect(Buffer.compare(got, delta)).toBe(0)
  })

  test('behavior: a node that dials a validator only at its WebSocket address (as a browser miner must) is fetched from', async () => {
    const validator = await createHeliaStorage({
      dir: join(root, 'vws'),
      listen: [...SERVING_LISTEN],
      logger: silentLogger,
    })
    nodes.push(validator)
    const ws = validator.multiaddrs().filter((a) => a.includes('/ws/'))
    expect(ws).toHaveLength(1)
    const miner = await node('mws', ws)
    const [conn] = miner.libp2p.getConnections()
    expect(conn.remoteAddr.toString()).toMatch(/\/tcp\/\d+\/ws\//)
    const delta = randomBytes(600_000)
    const cid = await miner.add(delta)
    const got = await validator.get(cid, { maxBytes: 1_000_000, timeoutMs: 30_000 })
    expect(Buffer.compare(got, delta)).toBe(0)
  })

  test('behavior: pinning a directory held by a peer fetches all of it; a file of it then reads offline', async () => {
    const a = await node('d')
    const files = [
      { path: 'model.safetensors', content: randomBytes(2_200_000) },
      { path: 'manifest.json', content: new TextEncoder().encode('{"round":2}') },
    ]
    const dir = await a.add(files)
    const b = await node('e', a.multiaddrs())
    await b.pin(dir, { timeoutMs: 60_000 })
    expect(await b.isPinned(dir)).toBe(true)
    await a.stop()
    const model = await b.getFile(dir, 'model.safetensors', { maxBytes: 3_000_000, timeoutMs: 2_000 })
    expect(Buffer.compare(model, files[0].content)).toBe(0)
  })

  test('behavior: a node restarted on the same dir keeps its peer id, its content and its pins', async () => {
    const first = await node('f')
    const bytes = randomBytes(1_500_000)
    const cid = await first.add(bytes)
    await first.pin(cid)
    const peerId = first.peerId
    await first.stop()
    const again = await node('f')
    expect(again.peerId).toBe(peerId)
    expect(await again.isPinned(cid)).toBe(true)
    expect(Buffer.compare(await again.get(cid, { maxBytes: 2_000_000, timeoutMs: 2_000 }), bytes)).toBe(0)
  })

  test('error: dialling a malformed or dead address fails with a typed error', async () => {
    const a = await node('g')
    await expect(a.dial('not a multiaddr')).rejects.toBeInstanceOf(InvalidMultiaddrError)
    const dead = '/ip4/127.0.0.1/tcp/1/p2p/12D3KooWS8Cgte4A5YR7GtjgqsyRtZucWyxjhebKWtCdkMzvgvEz'
    await expect(a.dial(dead, { signal: AbortSignal.timeout(5_000) })).rejects.toBeInstanceOf(PeerUnreachableError)
  })

  test('error: listening on an address already taken fails with StorageUnavailableError', async () => {
    const a = await node('h')
    const taken = a.multiaddrs()[0].split('/p2p/')[0]
    await expect(
      createHeliaStorage({ dir: join(root, 'i'), listen: [taken], logger: silentLogger }),
    ).rejects.toBeInstanceOf(StorageUnavailableError)
  })
})
