import { unixfs } from '@helia/unixfs'
import type { CID } from 'multiformats/cid'
import { BaseError } from '../errors/index.ts'
import {
  InvalidAddInputError,
  InvalidContentError,
  NotFoundError,
  StorageAbortedError,
  StorageUnavailableError,
} from './errors.ts'
import type { NetworkedBlockstore } from './networkedBlockstore.ts'
import { parseCid } from './parseCid.ts'
import { checkFiles, checkPath } from './paths.ts'
import type { PinSet } from './pins.ts'
import { UNIXFS_PROFILE } from './profile.ts'
import { readCapped } from './readCapped.ts'
import type { AddInput, DirEntry, GetOptions, Storage, StorageCallOptions } from './Storage.ts'
import { withDeadline } from './withDeadline.ts'

/**
 * Leaves requested ahead of the reader. Each is at most 2 MiB (bitswap's message cap), so a read holds at most
 * `maxBytes` plus this many blocks, however large the file claims or turns out to be.
 */
const READ_AHEAD_BLOCKS = 16

export type CreateUnixfsStorageParameters = {
  kind: string
  blockstore: NetworkedBlockstore
  pins: PinSet
  /** Whether the backend is running; calls fail with `StorageUnavailableError` when it is not. */
  isStarted: () => boolean
  start: () => Promise<void>
  stop: () => Promise<void>
}

/** A `Storage` over a blockstore with the one UnixFS profile; Helia and the in-memory store share it. */
export function createUnixfsStorage(params: CreateUnixfsStorageParameters): Storage {
  const { kind, blockstore, pins } = params
  const fs = unixfs({ blockstore })
  const ensureStarted = () => {
    if (!params.isStarted()) throw new StorageUnavailableError(kind, 'it is not started (call start() first)')
  }

  async function read(cid: CID, path: string | undefined, opts: GetOptions): Promise<Uint8Array> {
    ensureStarted()
    const target = path === undefined ? cid.toString() : `${cid}/${path}`
    return withDeadline({ operation: 'Fetch', target }, opts, async (signal) => {
      try {
        const info = await fs.stat(cid, { signal, path })
        if (info.type === 'directory') throw new InvalidContentError(target, 'it is a directory, not a file')
        // Bounded read-ahead: a lying root cannot make the exporter fetch and hold all its leaves at once.
        const catOptions = { signal, path, blockReadConcurrency: READ_AHEAD_BLOCKS }
        return await readCapped(fs.cat(cid, catOptions), {
          cid: target,
          maxBytes: opts.maxBytes,
          declared: info.size,
          onProgress: opts.onProgress,
        })
      } catch (err) {
        throw translate(err, target, signal)
      }
    })
  }

  return {
    kind,
    async add(input: AddInput, opts: StorageCallOptions = {}) {
      ensureStarted()
      if (opts.signal?.aborted) throw new StorageAbortedError('Add', 'content', opts.signal.reason)
      if (input instanceof Uint8Array) return fs.addBytes(input, { ...UNIXFS_PROFILE, signal: opts.signal })
      const files = checkFiles(input)
      let root: CID | undefined
      for await (const entry of fs.addAll(files, { ...UNIXFS_PROFILE, wrapWithDirectory: true, signal: opts.signal })) {
        if (entry.path === '') root = entry.cid
      }
      if (root === undefined) throw new InvalidAddInputError('the importer returned no directory root')
      return root
    },
    get: async (cid, opts) => read(parseCid(cid), undefined, opts),
    getFile: async (dirCid, path, opts) => read(parseCid(dirCid), checkPath(path), opts),
    async ls(dirCid, opts = {}) {
      ensureStarted()
      const cid = parseCid(dirCid)
      return withDeadline({ operation: 'List', target: cid.toString() }, opts, async (signal) => {
        const out: DirEntry[] = []
        try {
          for await (const e of fs.ls(cid, { signal })) out.push({ name: e.name, cid: e.cid })
        } catch (err) {
          throw translate(err, cid.toString(), signal)
        }
        return out
      })
    },
    async has(cid) {
      ensureStarted()
      return blockstore.has(parseCid(cid))
    },
    async pin(input, opts = {}) {
      ensureStarted()
      const cid = parseCid(input)
      await withDeadline({ operation: 'Pin', target: cid.toString() }, opts, async (signal) => {
        try {
          // A file's leaves are fetched in parallel first; the walk below is one block at a time.
          if ((await fs.stat(cid, { signal })).type !== 'directory') {
            const catOptions = { signal, blockReadConcurrency: READ_AHEAD_BLOCKS }
            for await (const _ of fs.cat(cid, catOptions)) void _
          }
          // Walking the whole DAG fetches every missing block, so a pin means "all of it is here".
          await fs.stat(cid, { signal, extended: true })
        } catch (err) {
          throw translate(err, cid.toString(), signal)
        }
        await pins.add(cid)
      })
    },
    async unpin(input) {
      ensureStarted()
      await pins.delete(parseCid(input))
    },
    async isPinned(input) {
      ensureStarted()
      return pins.has(parseCid(input))
    },
    start: params.start,
    stop: params.stop,
  }
}

/** Maps errors of the UnixFS layer to crowdtrain's storage errors; ours and aborts pass through. */
function translate(err: unknown, target: string, signal: AbortSignal): unknown {
  if (err instanceof BaseError || signal.aborted) return err
  const name = err instanceof Error ? err.name : ''
  if (name === 'NotAFileError' || name === 'NoContentError')
    return new InvalidContentError(target, 'it is not a file', err)
  if (name === 'NotADirectoryError') return new InvalidContentError(target, 'it is not a directory', err)
  if (name === 'DoesNotExistError' || name === 'NotFoundError') {
    return new NotFoundError(target, 'No such path in this directory, or the block is not available.')
  }
  if (name === 'NotUnixFSError' || name === 'InvalidPBNodeError' || name === 'NoResolverError') {
    return new InvalidContentError(target, 'it is not a valid UnixFS DAG', err)
  }
  return err
}
