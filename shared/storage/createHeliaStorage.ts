import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import type { PrivateKey } from '@libp2p/interface'
import { type Multiaddr, multiaddr } from '@multiformats/multiaddr'
import { FsBlockstore } from 'blockstore-fs'
import { MemoryDatastore } from 'datastore-core'
import { FsDatastore } from 'datastore-fs'
import type { Logger } from '../logger/index.ts'
import { type BitswapFetcher, startBitswap } from './createBitswap.ts'
import { type CrowdtrainLibp2p, createLibp2pNode } from './createLibp2pNode.ts'
import { createUnixfsStorage } from './createUnixfsStorage.ts'
import { InvalidMultiaddrError, PeerUnreachableError, StorageUnavailableError } from './errors.ts'
import { loadOrCreateIdentity } from './identity.ts'
import { NetworkedBlockstore } from './networkedBlockstore.ts'
import { filePinSet } from './pins.ts'
import type { Storage } from './Storage.ts'
import { saveListenPorts, stickyListen } from './stickyListen.ts'

export type CreateHeliaStorageParameters = {
  /** Where blocks, the datastore, pins and the node identity live. */
  dir: string
  /** Multiaddrs to listen on, e.g. `['/ip4/127.0.0.1/tcp/0']`. */
  listen: string[]
  /** Multiaddrs (with `/p2p/<peer id>`) dialled at start; failures are logged, not thrown. */
  peers?: string[]
  logger: Logger
  /** The libp2p key; by default one is kept in `<dir>/identity.key`. */
  privateKey?: PrivateKey
  /**
   * When given, the node connects only with these peer ids and those of `peers` (a connection
   * gater): content it holds is reachable from them alone (robustness tests: a miner that serves
   * one validator).
   */
  allowPeers?: readonly string[]
  /**
   * A temporary node (the researcher's commands): its datastore (libp2p's peer records) lives in
   * memory, so nothing writes into `dir` after `stop` — a late peer-record write used to recreate
   * `dir/datastore` after the caller had removed the folder.
   */
  ephemeral?: boolean
}

/** The embedded Helia storage: a `Storage` plus the libp2p node it runs on. */
export type HeliaStorage = Storage & {
  /** This node's peer id (stable across restarts of the same `dir`). */
  readonly peerId: string
  /** The libp2p node, shared with gossip. */
  readonly libp2p: CrowdtrainLibp2p
  /** The addresses peers can dial, each ending in `/p2p/<peer id>`. */
  multiaddrs(): string[]
  /** Connects to a peer; throws `InvalidMultiaddrError` or `PeerUnreachableError`. */
  dial(address: string | Multiaddr, opts?: { signal?: AbortSignal }): Promise<void>
}

/**
 * Starts a Helia-style node composed from its parts (blockstore-fs, datastore-fs, libp2p with TCP + noise +
 * yamux + identify + gossipsub, bitswap) rather than `createHelia()`, which would dial the public network.
 */
export async function createHeliaStorage(params: CreateHeliaStorageParameters): Promise<HeliaStorage> {
  const log = params.logger.forComponent('storage:helia')
  await mkdir(params.dir, { recursive: true })
  const privateKey = params.privateKey ?? (await loadOrCreateIdentity(join(params.dir, 'identity.key')))
  const fsBlocks = new FsBlockstore(join(params.dir, 'blocks'))
  const datastore = params.ephemeral ? new MemoryDatastore() : new FsDatastore(join(params.dir, 'datastore'))
  const openDatastore = async () => (datastore instanceof FsDatastore ? datastore.open() : undefined)
  const closeDatastore = async () => (datastore instanceof FsDatastore ? datastore.close() : undefined)
  const allowPeers = params.allowPeers
    ? new Set([...params.allowPeers, ...(params.peers ?? []).flatMap((a) => /\/p2p\/([^/]+)$/.exec(a)?.[1] ?? [])])
    : undefined
  // A restarted node listens where it did (its registered multiaddrs stay true) when that port is free.
  const listen = await stickyListen(params.dir, params.listen)
  const libp2p = await createLibp2pNode({ privateKey, listen, datastore, allowPeers })
  let bitswap: BitswapFetcher | undefined
  let started = false
  const fetcher = {
    retrieve: (cid: Parameters<BitswapFetcher['retrieve']>[0], opts: { signal?: AbortSignal }) => {
      if (bitswap === undefined) throw new StorageUnavailableError('helia', 'it is stopped')
      return bitswap.retrieve(cid, opts)
    },
    announce: async (cid: Parameters<BitswapFetcher['announce']>[0]) => bitswap?.announce(cid),
  }
  const blockstore = new NetworkedBlockstore(fsBlocks, fetcher)

  async function start(): Promise<void> {
    if (started) return
    await Promise.all([fsBlocks.open(), openDatastore()]).catch((err) => {
      throw new StorageUnavailableError('helia', `cannot open the stores under ${params.dir}`, err)
    })
    try {
      await libp2p.start()
    } catch (err) {
      throw new StorageUnavailableError('helia', `cannot listen on ${listen.join(', ')}`, err)
    }
    await saveListenPorts(params.dir, params.listen, addrs()).catch((err) =>
      log.warn('could not remember the listen ports', { reason: String(err) }),
    )
    bitswap = await startBitswap({ libp2p, blockstore: fsBlocks })
    started = true
    log.info('helia node started', { peerId: libp2p.peerId.toString(), addrs: addrs() })
  }

  async function stop(): Promise<void> {
    if (!started) return
    started = false
    await bitswap?.stop()
    bitswap = undefined
    await libp2p.stop()
    await Promise.all([fsBlocks.close(), closeDatastore()])
    log.info('helia node stopped')
  }

  const addrs = () => libp2p.getMultiaddrs().map((ma) => ma.toString())

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
    pins: filePinSet(join(params.dir, 'pins')),
    isStarted: () => started,
    start,
    stop,
  })
  try {
    await start()
  } catch (err) {
    await Promise.allSettled([fsBlocks.close(), closeDatastore()])
    throw err
  }
  for (const peer of params.peers ?? []) {
    await dial(peer).catch((err) => log.warn('could not dial peer', { peer, error: String(err?.shortMessage ?? err) }))
  }
  return { ...storage, peerId: libp2p.peerId.toString(), libp2p, multiaddrs: addrs, dial }
}
