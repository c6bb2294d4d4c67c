import { generateKeyPair } from '@libp2p/crypto/keys'
import { MemoryBlockstore } from 'blockstore-core'
import type { Logger } from '../logger/index.ts'
import { composeHelia, type HeliaStorage } from './composeHelia.ts'
import { createLibp2pNode } from './createLibp2pNode.ts'
import { memoryPinSet } from './pins.ts'

/**
 * The storage of a miner in a browser tab: blocks and pins in the tab's memory, a libp2p node that
 * dials out over WebSockets only (a page cannot listen), with a new peer id per tab. Validators
 * fetch its deltas over the connections it opened to them, as they do from miners behind NAT.
 * Lives as long as the tab: a delta is kept until its round settles by keeping the tab open.
 */
export async function createBrowserStorage(params: {
  /** Multiaddrs ending in `/ws/p2p/<peer id>` dialled at start; failures are logged, not thrown. */
  peers?: readonly string[]
  logger: Logger
}): Promise<HeliaStorage> {
  const libp2p = await createLibp2pNode({ privateKey: await generateKeyPair('Ed25519'), listen: [], browser: true })
  return composeHelia({
    libp2p,
    blocks: new MemoryBlockstore(),
    pins: memoryPinSet(),
    where: 'the tab',
    listen: [],
    peers: params.peers,
    logger: params.logger,
  })
}
