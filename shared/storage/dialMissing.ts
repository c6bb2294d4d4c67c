import { describeError } from '../errors/index.ts'

/** What `dialMissing` needs of a storage: the Helia backend's dial, peer id and open connections. */
export type PeerDialer = {
  peerId: string
  dial(address: string, opts?: { signal?: AbortSignal }): Promise<void>
  libp2p: { getConnections(): { remotePeer: { toString(): string } }[] }
}

/** The outcome of one dial attempt (for the caller's log). */
export type DialOutcome = { addr: string; ok: true } | { addr: string; ok: false; reason: string }

/** How often an address whose peer is not connected is dialled again, by default. */
export const REDIAL_MS = 10_000

/**
 * Dials each address (`…/p2p/<peer id>`) whose peer has no open connection now, each at most once per
 * `everyMs` (`lastTry` remembers the attempts). Connections drop — a peer restarts, a busy machine
 * misses pings — and bitswap only asks connected peers, so callers run this on every tick.
 */
export async function dialMissing(
  storage: PeerDialer,
  addrs: readonly string[],
  lastTry: Map<string, number>,
  opts: { everyMs?: number; signal?: AbortSignal; now?: number } = {},
): Promise<DialOutcome[]> {
  const now = opts.now ?? Date.now()
  const connected = new Set(storage.libp2p.getConnections().map((c) => c.remotePeer.toString()))
  const out: DialOutcome[] = []
  for (const addr of addrs) {
    const peer = /\/p2p\/([^/]+)$/.exec(addr)?.[1]
    if (!peer || connected.has(peer) || peer === storage.peerId) continue
    if (now - (lastTry.get(addr) ?? Number.NEGATIVE_INFINITY) < (opts.everyMs ?? REDIAL_MS)) continue
    lastTry.set(addr, now)
    try {
      await storage.dial(addr, { signal: opts.signal })
      connected.add(peer)
      out.push({ addr, ok: true })
    } catch (err) {
      out.push({ addr, ok: false, reason: describeError(err) })
    }
  }
  return out
}
