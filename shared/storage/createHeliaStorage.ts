import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import type { PrivateKey } from '@libp2p/interface'
import { FsBlockstore } from 'blockstore-fs'
import { MemoryDatastore } from 'datastore-core'
import { FsDatastore } from 'datastore-fs'
import type { Logger } from '../logger/index.ts'
import { composeHelia, type HeliaStorage } from './composeHelia.ts'
import { createLibp2pNode } from './createLibp2pNode.ts'
import { loadOrCreateIdentity } from './identity.ts'
import { filePinSet } from './pins.ts'
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

/**
 * Starts a Helia-style node composed from its parts (blockstore-fs, datastore-fs, libp2p with TCP + noise +
 * yamux + identify + gossipsub, bitswap) rather than `createHelia()`, which would dial the public network.
 */
export async function createHeliaStorage(params: CreateHeliaStorageParameters): Promise<HeliaStorage> {
  await mkdir(params.dir, { recursive: true })
  const privateKey = params.privateKey ?? (await loadOrCreateIdentity(join(params.dir, 'identity.key')))
  const blocks = new FsBlockstore(join(params.dir, 'blocks'))
  const datastore = params.ephemeral ? new MemoryDatastore() : new FsDatastore(join(params.dir, 'datastore'))
  const allowPeers = params.allowPeers
    ? new Set([...params.allowPeers, ...(params.peers ?? []).flatMap((a) => /\/p2p\/([^/]+)$/.exec(a)?.[1] ?? [])])
    : undefined
  // A restarted node listens where it did (its registered multiaddrs stay true) when that port is free.
  const listen = await stickyListen(params.dir, params.listen)
  const libp2p = await createLibp2pNode({ privateKey, listen, datastore, allowPeers })
  return composeHelia({
    libp2p,
    blocks,
    pins: filePinSet(join(params.dir, 'pins')),
    openStores: async () => {
      await Promise.all([blocks.open(), datastore instanceof FsDatastore ? datastore.open() : undefined])
    },
    closeStores: async () => {
      await Promise.all([blocks.close(), datastore instanceof FsDatastore ? datastore.close() : undefined])
    },
    listening: (addrs) => saveListenPorts(params.dir, params.listen, addrs),
    where: params.dir,
    listen,
    peers: params.peers,
    logger: params.logger,
  })
}

export type { HeliaStorage }
