import { readFile, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { join } from 'node:path'

/** The file under a node's folder that remembers the TCP ports it was given for `tcp/0` addresses. */
const FILE = 'listen-ports.json'

const ANY_PORT = /^\/ip4\/(\d{1,3}(?:\.\d{1,3}){3})\/tcp\/0(\/ws)?$/

/**
 * The listen addresses to use: each `/ip4/<host>/tcp/0` (or `…/tcp/0/ws`) becomes the port this
 * folder's node got last time, when that port is free now. A node that restarts (a validator killed and started again) then
 * listens where the multiaddrs it registered on chain say, and peers can dial it again. The file is
 * read strictly: anything but a map of such addresses to ports is ignored.
 */
export async function stickyListen(dir: string, listen: readonly string[]): Promise<string[]> {
  const saved = await readPorts(dir)
  const out: string[] = []
  for (const addr of listen) {
    const [, host, ws = ''] = ANY_PORT.exec(addr) ?? []
    const port = saved.get(addr)
    out.push(
      host !== undefined && port !== undefined && (await isFree(host, port)) ? `/ip4/${host}/tcp/${port}${ws}` : addr,
    )
  }
  return out
}

/** Remembers the ports the node got for its `tcp/0` addresses (`bound`: the node's addresses after start). */
export async function saveListenPorts(dir: string, listen: readonly string[], bound: readonly string[]): Promise<void> {
  const ports: Record<string, number> = {}
  for (const addr of listen) {
    const [, host, ws = ''] = ANY_PORT.exec(addr) ?? []
    if (host === undefined) continue
    // The bound address of this transport only: `/tcp/<port>` then `/p2p/…` or nothing (TCP), or `/ws`.
    const exact = new RegExp(`^/ip4/${host.replaceAll('.', '\\.')}/tcp/(\\d+)${ws}(/p2p/[^/]+)?$`)
    const got = bound.map((b) => exact.exec(b)?.[1])
    const port = Number(got.find((p) => p !== undefined))
    if (Number.isInteger(port) && port > 0) ports[addr] = port
  }
  await writeFile(join(dir, FILE), `${JSON.stringify(ports)}\n`)
}

async function readPorts(dir: string): Promise<Map<string, number>> {
  let parsed: unknown
  try {
    parsed = JSON.parse(await readFile(join(dir, FILE), 'utf8'))
  } catch {
    return new Map()
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return new Map()
  const out = new Map<string, number>()
  for (const [addr, port] of Object.entries(parsed)) {
    if (ANY_PORT.test(addr) && Number.isInteger(port) && port > 0 && port < 65536) out.set(addr, port as number)
  }
  return out
}

function isFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer()
    server.once('error', () => resolve(false))
    server.listen(port, host, () => server.close(() => resolve(true)))
  })
}
