import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Logger } from '../../shared/logger/index.ts'
import { createHeliaStorage, type HeliaStorage } from '../../shared/storage/index.ts'

const BYTES = 64 * 1024 * 1024
const mbps = (bytes: number, ms: number) => Math.round((bytes / 1e6 / (ms / 1000)) * 10) / 10

/**
 * `crowdtrain bench storage`: add speed into one Helia node and bitswap fetch speed from it to a second
 * node over TCP on 127.0.0.1, for a 64 MiB random object, with a byte-exact check. Temp dirs are removed.
 */
export async function run(opts: { json: boolean; logger: Logger }): Promise<Record<string, unknown>> {
  const log = opts.logger
  const root = await mkdtemp(join(tmpdir(), 'crowdtrain-bench-storage-'))
  const nodes: HeliaStorage[] = []
  try {
    const listen = ['/ip4/127.0.0.1/tcp/0']
    const a = await createHeliaStorage({ dir: join(root, 'a'), listen, logger: log })
    nodes.push(a)
    const b = await createHeliaStorage({ dir: join(root, 'b'), listen, logger: log, peers: a.multiaddrs() })
    nodes.push(b)
    const bytes = randomBytes(BYTES)
    log.info('adding', { bytes: BYTES })
    let t = performance.now()
    const cid = await a.add(bytes)
    const addMs = performance.now() - t
    log.info('fetching over bitswap', { cid: cid.toString() })
    t = performance.now()
    const got = await b.get(cid, { maxBytes: BYTES, timeoutMs: 300_000 })
    const fetchMs = performance.now() - t
    return {
      bytes: BYTES,
      chunks: Math.ceil(BYTES / (1024 * 1024)),
      cid: cid.toString(),
      addMs: Math.round(addMs),
      addMBps: mbps(BYTES, addMs),
      fetchMs: Math.round(fetchMs),
      fetchMBps: mbps(BYTES, fetchMs),
      byteExact: got.length === bytes.length && Buffer.compare(got, bytes) === 0,
      transport: 'tcp 127.0.0.1, noise, yamux, bitswap 1.2.0',
    }
  } finally {
    for (const n of nodes) await n.stop().catch(() => undefined)
    await rm(root, { recursive: true, force: true })
  }
}
