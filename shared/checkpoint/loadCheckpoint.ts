import type { Storage } from '../storage/index.ts'
import { InvalidCheckpointError } from './errors.ts'
import { CHECKPOINT_FILES, MAX_MANIFEST_BYTES } from './manifest.ts'
import {
  defaultCheckpointMaxBytes,
  type ParseCheckpointOptions,
  type ParsedCheckpoint,
  parseCheckpoint,
} from './parseCheckpoint.ts'

/** Options of `loadCheckpoint`: what to expect, and how long to wait for each file. */
export type LoadCheckpointOptions = ParseCheckpointOptions & { timeoutMs?: number; signal?: AbortSignal }

/**
 * Fetches a checkpoint directory from storage (each file with a size cap, so a hostile CID cannot make
 * the reader buffer more than a model's worth) and parses it strictly (`parseCheckpoint`); `bytes` is
 * what was fetched.
 */
export async function loadCheckpoint(
  storage: Pick<Storage, 'ls' | 'getFile'>,
  cid: string,
  opts: LoadCheckpointOptions,
): Promise<ParsedCheckpoint & { cid: string; bytes: number }> {
  const { timeoutMs, signal } = opts
  const entries = await storage.ls(cid, { timeoutMs, signal })
  const names = entries.map((e) => e.name).sort()
  const want = (Object.values(CHECKPOINT_FILES) as string[]).sort()
  if (names.join('\n') !== want.join('\n')) {
    throw new InvalidCheckpointError(`directory ${cid} holds ${names.join(', ') || 'nothing'}, not ${want.join(', ')}`)
  }
  const tensorCap = opts.maxBytes ?? defaultCheckpointMaxBytes(opts.config, opts.task)
  const get = (path: string, maxBytes: number) => storage.getFile(cid, path, { maxBytes, timeoutMs, signal })
  const [model, outer, manifest] = await Promise.all([
    get(CHECKPOINT_FILES.model, tensorCap),
    get(CHECKPOINT_FILES.outerState, tensorCap),
    get(CHECKPOINT_FILES.manifest, MAX_MANIFEST_BYTES),
  ])
  const files = new Map([
    [CHECKPOINT_FILES.model, model],
    [CHECKPOINT_FILES.outerState, outer],
    [CHECKPOINT_FILES.manifest, manifest],
  ])
  const bytes = model.length + outer.length + manifest.length
  return { ...parseCheckpoint(files, opts), cid, bytes }
}
