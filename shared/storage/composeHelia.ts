import { type Multiaddr, multiaddr } from '@multiformats/multiaddr'
import type { Blockstore } from 'interface-blockstore'
import type { Logger } from '../logger/index.ts'
import { type BitswapFetcher, startBitswap } from './createBitswap.ts'
import type { CrowdtrainLibp2p } from './createLibp2pNode.ts'
import { createUnixfsStorage } from './createUnixfsStorage.ts'
import { InvalidMultiaddrError, PeerUnreachableError, StorageUnavailableError } from './errors.ts'
import { NetworkedBlockstore } from './networkedBlockstore.ts'
import type { PinSet } from './pins.ts'
import type { Storage } from './Storage.ts'

/** The embedded Helia storage: a `Storage` plus the libp2p node it runs on. */
export type HeliaStorage = Storage & {
  /** This node's peer id (stable across restarts of the same `dir`). */
  readonly peerId: string
  /** The libp2p node, shared with gossip. */
  readonly libp2p: CrowdtrainLibp2p
  /** The addresses peers can dial, each ending in `/p2p/<peer id>` (none for a node in a browser tab). */
  multiaddrs(): string[]
  /** Connects to a peer; throws `InvalidMultiaddrError` or `PeerUnreachableError`. */
  dial(address: string | Multiaddr, opts?: { signal?: AbortSignal }): Promise<void>
}

/** The parts a Helia-style node is made of, wherever it runs (a folder on disk, a browser tab's memory). */
export type HeliaParts = {
  libp2p: CrowdtrainLibp2p
  /** Where blocks are kept. */
  blocks: Blockstore
  pins: PinSet
  /** Opens and closes the stores (disk); absent for memory. */
  openStores?: () => Promise<void>
  closeStores?: () => Promise<void>
  /** Multiaddrs (with `/p2p/<peer id>`) dialled at start; failures are logged, not thrown. */
  peers?: readonly string[]
  /** Called with the node's addresses once it listens (remembers the ports it got). */
  listening?: (addrs: string[]) => Promise<void>
  /** Where the stores live, and where the node listens, for error messages. */
  where: string
  listen: readonly string[]
  logger: Logger
}

/**
 * A started Helia-style node from its parts: libp2p, bitswap over the blockstore, the one UnixFS
 * profile on top (`createUnixfsStorage`). `createHeliaStorage` (Node) and `createBrowserStorage`
 * differ only in the parts.
 */
export async function composeHelia(parts: HeliaParts): Promise<HeliaStorage> {
  const log = parts.logger.forComponent('storage:helia')
  const { libp2p } = parts
  let bitswap: BitswapFetcher | undefined
  let started = false
  const fetcher = {
    retrieve: (cid: Parameters<BitswapFetcher['retrieve']>[0], opts: { signal?: AbortSignal }) => {
      if (bitswap === undefined) throw new StorageUnavailableError('helia', 'it is stopped')
      return bitswap.retrieve(cid, opts)
    },
    announce: async (cid: Parameters<BitswapFetcher['announce']>[0]) => bitswap?.announce(cid),
  }
  const blockstore = new NetworkedBlockstore(parts.blocks, fetcher)
  const addrs = () => libp2p.getMultiaddrs().map((ma) => ma.toString())

  async function start(): Promise<void> {
    if (started) return
    await parts.openStores?.().catch((err) => {
      throw new StorageUnavailableError('helia', `cannot open the stores under ${parts.where}`, err)
    })
    try {
      await libp2p.start()
    } catch (err) {
      const on = parts.listen.length > 0 ? `cannot listen on ${parts.listen.join(', ')}` : 'cannot start libp2p'
      throw new StorageUnavailableError('helia', on, err)
    }
    await parts
      .listening?.(addrs())
      .catch((err) => log.warn('could not remember the listen ports', { reason: String(err) }))
    bitswap = await startBitswap({ libp2p, blockstore: parts.blocks })
    started = true
    log.info('helia node started', { peerId: libp2p.peerId.toString(), addrs: addrs() })
  }

  async function stop(): Promise<void> {
    if (!started) return
    started = false
    await bitswap?.stop()
    bitswap = undefined
    await libp2p.stop()
    await parts.closeStores?.()
    log.info('helia node stopped')
  }

  async function dial(address: string | Multiaddr, opts: { signal?: AbortSignal } = {}): Promise<void> {
    let ma: Multiaddr
    try {
      ma = typeof address === 'string' ? multiaddr(address) : address
    } catch (err) {
      throw new InvalidMultiaddrError(String(address), err)
    }
    try {
      await libp2p.dial(ma, { signal: opts.signal })
    } catch (err) {
      throw new PeerUnreachableError(ma.toString(), err)
    }
  }

  const storage = createUnixfsStorage({
    kind: 'helia',
    blockstore,
    pins: parts.pins,
    isStarted: () => started,
    start,
    stop,
  })
  try {
    await start()
  } catch (err) {
    await parts.closeStores?.().catch(() => undefined)
    throw err
  }
  for (const peer of parts.peers ?? []) {
    await dial(peer).catch((err) => log.warn('could not dial peer', { peer, error: String(err?.shortMessage ?? err) }))
  }
  return { ...storage, peerId: libp2p.peerId.toString(), libp2p, multiaddrs: addrs, dial }
}
