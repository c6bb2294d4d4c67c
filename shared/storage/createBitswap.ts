import { withBitswap } from '@helia/bitswap'
import type { HeliaMixin } from '@helia/interface'
import type { Libp2p } from '@libp2p/interface'
import type { Blockstore } from 'interface-blockstore'
import type { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { StorageUnavailableError } from './errors.ts'
import type { BlockFetcher } from './networkedBlockstore.ts'

/**
 * How long a bitswap message may take to reach a peer (default 10 s). A peer busy training or scoring
 * answers only between two steps of its event loop, seconds apart on a loaded CPU; a want that
 * times out is not sent again, so its fetch would wait for nothing (pipelined rounds: validators
 * fetch deltas from miners that are training the next round).
 */
const MESSAGE_TIMEOUT_MS = 60_000

/** A started bitswap engine seen as a `BlockFetcher`, with a way to stop it. */
export type BitswapFetcher = BlockFetcher & { stop(): Promise<void> }

type Broker = {
  retrieve(cid: CID, opts: { signal?: AbortSignal }): Promise<Uint8Array>
  announce(cid: CID): Promise<void>
  stop(): Promise<void>
}

/**
 * Starts bitswap (@helia/bitswap) on an existing libp2p node. `@helia/bitswap` only exports `withBitswap`,
 * a Helia mixin, so this hands it the few parts it reads (libp2p, blockstore, logger, routing, getHasher)
 * instead of a whole Helia node. Routing finds nobody on purpose: no DHT, no delegated routing, no
 * gateways; wants go to the peers we are connected to, which is how miners and validators find content.
 */
export async function startBitswap(params: {
  libp2p: Libp2p
  blockstore: Pick<Blockstore, 'get' | 'put' | 'has'>
}): Promise<BitswapFetcher> {
  let broker: Broker | undefined
  // biome-ignore lint/suspicious/noExplicitAny: the mixin is typed for a whole Helia node; it gets `host`
  let mixin: HeliaMixin<any> | undefined
  const host = {
    status: 'starting',
    libp2p: params.libp2p,
    blockstore: params.blockstore,
    logger: params.libp2p.logger,
    metrics: undefined,
    routing: {
      // No routers: the providers are the peers we are connected to.
      async *findProviders() {},
    },
    getHasher: (code: number) => {
      if (code === sha256.code) return sha256
      throw new StorageUnavailableError('helia', `hash function 0x${code.toString(16)} is not supported`)
    },
    hasBlockBroker: () => broker !== undefined,
    addBlockBroker: (b: Broker) => {
      broker = b
    },
    // biome-ignore lint/suspicious/noExplicitAny: see above
    addMixin: (m: HeliaMixin<any>) => {
      mixin = m
    },
  }
  // biome-ignore lint/suspicious/noExplicitAny: the mixin reads only the fields of `host` listed above
  withBitswap(host as any, { messageSendTimeout: MESSAGE_TIMEOUT_MS, messageReceiveTimeout: MESSAGE_TIMEOUT_MS })
  await mixin?.start?.(host)
  if (broker === undefined) throw new StorageUnavailableError('helia', 'bitswap did not start')
  const b = broker
  return {
    retrieve: (cid, opts) => b.retrieve(cid, opts),
    announce: (cid) => b.announce(cid),
    stop: () => b.stop(),
  }
}
