import type { KuboRPCClient } from 'kubo-rpc-client'
import type { CID } from 'multiformats/cid'
import { BaseError } from '../errors/index.ts'
import {
  InvalidAddInputError,
  InvalidContentError,
  NotFoundError,
  StorageAbortedError,
  StorageUnavailableError,
} from './errors.ts'
import { parseCid } from './parseCid.ts'
import { checkFiles, checkPath } from './paths.ts'
import { KUBO_ADD_PARAMS } from './profile.ts'
import { readCapped } from './readCapped.ts'
import type { DirEntry, GetOptions, Storage } from './Storage.ts'
import { withDeadline } from './withDeadline.ts'

export type CreateKuboStorageParameters = {
  /** The Kubo RPC API, e.g. `http://127.0.0.1:5001`. */
  url: string
}

/**
 * A `Storage` backed by a running Kubo daemon through `kubo-rpc-client`. Adds send `KUBO_ADD_PARAMS`, so
 * the CIDs equal Helia's (see `profile.ts` for which Kubo versions honour every flag). Adds do not pin
 * (as with Helia); call `pin` to keep content through Kubo's garbage collection.
 */
export function createKuboStorage(params: CreateKuboStorageParameters): Storage {
  try {
    new URL(params.url)
  } catch (err) {
    throw new StorageUnavailableError('kubo', `"${params.url}" is not a usable RPC address`, err)
  }
  // Loaded on first use: most runs use the embedded Helia node and never need the RPC client.
  let loaded: Promise<KuboRPCClient> | undefined
  const rpc = () => {
    loaded ??= import('kubo-rpc-client').then((m) => m.create({ url: params.url }))
    return loaded
  }
  // Kebab-case keys go to the query string as they are (kubo-rpc-client spreads options into it).
  const addParams = { ...KUBO_ADD_PARAMS, pin: false } as Record<string, unknown>

  async function read(path: string, label: string, opts: GetOptions): Promise<Uint8Array> {
    return withDeadline({ operation: 'Fetch', target: label }, opts, async (signal) => {
      try {
        // Asking for one byte past the cap lets Kubo stop sending there while still telling us it is too large.
        const chunks = (await rpc()).cat(path, { signal, length: opts.maxBytes + 1 })
        return await readCapped(chunks, { cid: label, maxBytes: opts.maxBytes, onProgress: opts.onProgress })
      } catch (err) {
        throw translate(err, label, signal)
      }
    })
  }

  return {
    kind: 'kubo',
    async add(input, opts = {}) {
      if (opts.signal?.aborted) throw new StorageAbortedError('Add', 'content', opts.signal.reason)
      try {
        if (input instanceof Uint8Array)
          return (await (await rpc()).add(input, { ...addParams, signal: opts.signal })).cid
        const files = checkFiles(input)
        let root: CID | undefined
        const options = { ...addParams, 'wrap-with-directory': true, signal: opts.signal }
        const client = await rpc()
        for await (const entry of client.addAll(files, options)) if (entry.path === '') root = entry.cid
        if (root === undefined) throw new InvalidAddInputError('Kubo returned no directory root')
        return root
      } catch (err) {
        throw translate(err, 'content', opts.signal)
      }
    },
    get: async (cid, opts) => {
      const c = parseCid(cid)
      return read(`/ipfs/${c}`, c.toString(), opts)
    },
    getFile: async (dirCid, path, opts) => {
      const c = parseCid(dirCid)
      const p = checkPath(path)
      return read(`/ipfs/${c}/${p}`, `${c}/${p}`, opts)
    },
    async ls(dirCid, opts = {}) {
      const c = parseCid(dirCid)
      return withDeadline({ operation: 'List', target: c.toString() }, opts, async (signal) => {
        const out: DirEntry[] = []
        try {
          for await (const e of (await rpc()).ls(c, { signal })) out.push({ name: e.name, cid: e.cid })
        } catch (err) {
          throw translate(err, c.toString(), signal)
        }
        return out
      })
    },
    async has(cid, opts = {}) {
      const c = parseCid(cid)
      // `offline` (a Kubo RPC parameter it does not document) keeps it from searching the network.
      const options = { signal: opts.signal, offline: true } as Record<string, unknown>
      return (await rpc()).block.stat(c, options).then(
        () => true,
        (err) => {
          if (isUnreachable(err)) throw new StorageUnavailableError('kubo', `no daemon answers at ${params.url}`, err)
          return false
        },
      )
    },
    async pin(cid, opts = {}) {
      const c = parseCid(cid)
      await withDeadline({ operation: 'Pin', target: c.toString() }, opts, async (signal) => {
        await (await rpc()).pin.add(c, { signal, recursive: true }).catch((err) => {
          throw translate(err, c.toString(), signal)
        })
      })
    },
    async unpin(cid, opts = {}) {
      const c = parseCid(cid)
      await (await rpc()).pin.rm(c, { signal: opts.signal, recursive: true }).catch((err) => {
        if (/not pinned/i.test(String(err?.message))) return
        throw translate(err, c.toString(), opts.signal)
      })
    },
    async isPinned(cid, opts = {}) {
      const c = parseCid(cid)
      try {
        for await (const p of (await rpc()).pin.ls({ paths: c, type: 'recursive', signal: opts.signal })) {
          if (p.cid.equals(c)) return true
        }
        return false
      } catch (err) {
        if (isUnreachable(err)) throw new StorageUnavailableError('kubo', `no daemon answers at ${params.url}`, err)
        return false
      }
    },
    async start() {
      await (await rpc()).version({ signal: AbortSignal.timeout(5_000) }).catch((err) => {
        throw new StorageUnavailableError('kubo', `no daemon answers at ${params.url}`, err)
      })
    },
    async stop() {},
  }
}

function isUnreachable(err: unknown): boolean {
  const text = `${(err as Error)?.message} ${(err as { cause?: Error })?.cause?.message ?? ''}`
  return /ECONNREFUSED|fetch failed|ENOTFOUND|EHOSTUNREACH/i.test(text)
}

/** Maps Kubo's error strings to crowdtrain's storage errors. */
function translate(err: unknown, target: string, signal: AbortSignal | undefined): unknown {
  if (err instanceof BaseError || signal?.aborted) return err
  if (isUnreachable(err)) return new StorageUnavailableError('kubo', 'no daemon answers', err)
  const msg = String((err as Error)?.message ?? err)
  if (/no link named|not found|no such/i.test(msg)) return new NotFoundError(target, msg)
  if (/is a directory|not a file/i.test(msg)) return new InvalidContentError(target, 'it is not a file', err)
  return err
}
