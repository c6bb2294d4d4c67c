import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { silentLogger } from '../logger/index.ts'
import { createHeliaStorage } from './createHeliaStorage.ts'
import { stickyListen } from './stickyListen.ts'

const ANY = '/ip4/127.0.0.1/tcp/0'
let dir: string

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'crowdtrain-sticky-'))
})

afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

const portOf = (addrs: string[]) => Number(/\/tcp\/(\d+)\//.exec(addrs[0])?.[1])

describe('stickyListen', () => {
  test('default: a node restarted from the same folder listens on the port it had', async () => {
    const first = await createHeliaStorage({ dir: join(dir, 'node'), listen: [ANY], logger: silentLogger })
    const port = portOf(first.multiaddrs())
    await first.stop()
    const again = await createHeliaStorage({ dir: join(dir, 'node'), listen: [ANY], logger: silentLogger })
    try {
      expect(portOf(again.multiaddrs())).toBe(port)
      expect(again.peerId).toBe(first.peerId)
    } finally {
      await again.stop()
    }
  })

  test('behavior: a node listening on TCP and WebSockets gets both ports back, each for its own transport', async () => {
    const WS = `${ANY}/ws`
    const wsPort = (addrs: string[]) => Number(addrs.map((a) => /\/tcp\/(\d+)\/ws\//.exec(a)?.[1]).find(Boolean))
    const tcpPort = (addrs: string[]) => Number(addrs.map((a) => /\/tcp\/(\d+)\/p2p\//.exec(a)?.[1]).find(Boolean))
    const first = await createHeliaStorage({ dir: join(dir, 'both'), listen: [ANY, WS], logger: silentLogger })
    const [tcp, ws] = [tcpPort(first.multiaddrs()), wsPort(first.multiaddrs())]
    await first.stop()
    expect(tcp).toBeGreaterThan(0)
    expect(ws).toBeGreaterThan(0)
    expect(ws).not.toBe(tcp)
    const again = await createHeliaStorage({ dir: join(dir, 'both'), listen: [ANY, WS], logger: silentLogger })
    try {
      expect([tcpPort(again.multiaddrs()), wsPort(again.multiaddrs())]).toEqual([tcp, ws])
    } finally {
      await again.stop()
    }
  })

  test('behavior: a port taken meanwhile, a fixed port or a corrupt file leave the address as asked', async () => {
    const taken: Server = createServer()
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve))
    const port = (taken.address() as { port: number }).port
    try {
      await writeFile(join(dir, 'listen-ports.json'), JSON.stringify({ [ANY]: port }))
      expect(await stickyListen(dir, [ANY, '/ip4/127.0.0.1/tcp/4001'])).toEqual([ANY, '/ip4/127.0.0.1/tcp/4001'])
      await writeFile(join(dir, 'listen-ports.json'), '{"/ip4/127.0.0.1/tcp/0": "not a port"')
      expect(await stickyListen(dir, [ANY])).toEqual([ANY])
    } finally {
      taken.close()
    }
  })
})
