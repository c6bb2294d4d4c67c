import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { type GossipSub, gossipsub } from '@libp2p/gossipsub'
import { type Identify, identify } from '@libp2p/identify'
import type { Libp2p, PrivateKey } from '@libp2p/interface'
import { tcp } from '@libp2p/tcp'
import { webSockets } from '@libp2p/websockets'
import type { Datastore } from 'interface-datastore'
import { createLibp2p } from 'libp2p'

/** The services of crowdtrain's libp2p node: identify, and gossipsub for round hints. */
export type CrowdtrainServices = { identify: Identify; pubsub: GossipSub }

/** The libp2p node that storage (bitswap) and gossip share. */
export type CrowdtrainLibp2p = Libp2p<CrowdtrainServices>

/**
 * Where a node others dial listens by default (validators, the subnet owner's node): TCP, and
 * WebSockets for miners in a browser tab, which cannot dial TCP.
 */
export const SERVING_LISTEN: readonly string[] = ['/ip4/127.0.0.1/tcp/0', '/ip4/127.0.0.1/tcp/0/ws']

/** Largest gossip message accepted on the wire; the gossip layer checks its own, smaller cap too. */
export const MAX_GOSSIP_BYTES = 64 * 1024

/**
 * A libp2p 3 node with TCP and WebSockets (a browser can dial only the latter: `/tcp/<port>/ws`
 * addresses), noise, yamux, identify and gossipsub: no bootstrap list, no DHT, no mDNS, no relay, no
 * WebRTC. Peers are dialled explicitly from the addresses registered on chain.
 */
export async function createLibp2pNode(params: {
  privateKey: PrivateKey
  listen: string[]
  datastore?: Datastore
  /** When given, the node connects (in or out) only with these peer ids: a node that serves a few peers only. */
  allowPeers?: ReadonlySet<string>
  /**
   * A node in a browser tab: WebSockets only (a page can open no TCP socket and listen on nothing),
   * and it may dial private addresses (a devnet on 127.0.0.1; a browser's libp2p refuses them by default).
   */
  browser?: boolean
}): Promise<CrowdtrainLibp2p> {
  const allow = params.allowPeers
  const denied = (peer: { toString(): string }) => allow !== undefined && !allow.has(peer.toString())
  const gater = {
    ...(params.browser ? { denyDialMultiaddr: async () => false } : {}),
    ...(allow
      ? {
          denyDialPeer: async (peer: { toString(): string }) => denied(peer),
          denyInboundEncryptedConnection: async (peer: { toString(): string }) => denied(peer),
          denyOutboundEncryptedConnection: async (peer: { toString(): string }) => denied(peer),
        }
      : {}),
  }
  return createLibp2p({
    privateKey: params.privateKey,
    datastore: params.datastore,
    addresses: { listen: params.listen },
    transports: params.browser ? [webSockets()] : [tcp(), webSockets()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    peerDiscovery: [],
    // The monitor pings every peer each 10 s and, by default, aborts a connection whose ping times out.
    // Training and evaluation block a process's event loop for seconds on a busy CPU: in a 21-process
    // devnet on 2 cores the validators lost each other that way and could no longer fetch one another's
    // score reports. A dead peer's socket still closes; callers redial what they need (`dialMissing`).
    connectionMonitor: { abortConnectionOnPingFailure: false },
    connectionGater: Object.keys(gater).length > 0 ? gater : undefined,
    services: {
      identify: identify(),
      pubsub: gossipsub({
        // A lone node (the first validator) must still be able to publish without an error.
        allowPublishToZeroTopicPeers: true,
        ignoreDuplicatePublishError: true,
        emitSelf: false,
        maxInboundDataLength: MAX_GOSSIP_BYTES,
      }),
    },
    start: false,
  })
}
