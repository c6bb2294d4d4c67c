/** What `crowdtrain web` tells the page (`config.json`), checked before use. */
export type PageConfig = {
  chainUrl: string
  netuid: number
  /** Multiaddrs ending in `/ws/p2p/<peer id>`: the validators' and the owner's nodes. */
  peers: string[]
  /** The server funds keys (a devnet). */
  faucet: boolean
  /** Try WebGPU first (the default), or train on wasm. */
  prefer: 'webgpu' | 'wasm'
}

/** Parses `config.json` strictly; throws with what is wrong. */
export function parsePageConfig(json: unknown): PageConfig {
  const o = json as Record<string, unknown>
  if (typeof o !== 'object' || o === null) throw new Error('config.json is not an object')
  const { chainUrl, netuid, peers, faucet, prefer } = o
  if (typeof chainUrl !== 'string' || !/^wss?:\/\/[^\s]{1,200}$/.test(chainUrl))
    throw new Error('config.json: chainUrl must be a ws:// or wss:// URL')
  if (typeof netuid !== 'number' || !Number.isInteger(netuid) || netuid < 0 || netuid > 65535)
    throw new Error('config.json: netuid must be an integer 0–65535')
  if (
    !Array.isArray(peers) ||
    peers.length > 64 ||
    !peers.every((p) => typeof p === 'string' && /^\/[\x21-\x7e]{1,255}$/.test(p))
  )
    throw new Error('config.json: peers must be up to 64 multiaddrs')
  if (typeof faucet !== 'boolean') throw new Error('config.json: faucet must be true or false')
  if (prefer !== 'webgpu' && prefer !== 'wasm') throw new Error('config.json: prefer must be webgpu or wasm')
  return { chainUrl, netuid, peers, faucet, prefer }
}
