import type { Blockstore } from 'interface-blockstore'
import type { CID } from 'multiformats/cid'
import { NotFoundError } from './errors.ts'

/** What fetches a missing block from peers (bitswap); the returned bytes are already checked against the CID. */
export type BlockFetcher = {
  retrieve(cid: CID, opts: { signal?: AbortSignal }): Promise<Uint8Array>
  /** Tells peers waiting for this block that it is here now. */
  announce(cid: CID): Promise<void>
}

type LocalStore = Pick<Blockstore, 'get' | 'put' | 'has'>

/**
 * A blockstore that reads locally first and fetches missing blocks from connected peers, keeping what it
 * fetched (validators serve what they fetched). Without a fetcher, or with `offline`, it is local only.
 */
export class NetworkedBlockstore {
  readonly local: LocalStore
  readonly fetcher: BlockFetcher | undefined

  constructor(local: LocalStore, fetcher?: BlockFetcher) {
    this.local = local
    this.fetcher = fetcher
  }

  /** True when the block is stored locally. */
  async has(cid: CID, opts?: { signal?: AbortSignal }): Promise<boolean> {
    return this.local.has(cid, opts)
  }

  /** Stores a block and tells waiting peers. */
  async put(
    cid: CID,
    bytes: Uint8Array | Iterable<Uint8Array> | AsyncIterable<Uint8Array>,
    opts?: { signal?: AbortSignal },
  ): Promise<CID> {
    await this.local.put(cid, bytes, opts)
    await this.fetcher?.announce(cid).catch(() => undefined)
    return cid
  }

  /** A block's bytes, from the local store or from peers. */
  async *get(cid: CID, opts: { signal?: AbortSignal; offline?: boolean } = {}): AsyncGenerator<Uint8Array> {
    if (await this.local.has(cid, opts)) {
      yield* this.local.get(cid, opts)
      return
    }
    if (this.fetcher === undefined || opts.offline === true) {
      throw new NotFoundError(`Block ${cid}`, 'It is not stored locally and this store does not fetch from peers.')
    }
    const bytes = await this.fetcher.retrieve(cid, { signal: opts.signal })
    await this.local.put(cid, bytes, opts)
    yield bytes
  }
}
