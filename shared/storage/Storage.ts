import type { CID } from 'multiformats/cid'

/** One file of a directory to add; `path` is relative, `/`-separated, without `..`. */
export type FileEntry = { path: string; content: Uint8Array }

/** What `add` takes: bytes (→ a file CID) or files (→ a directory CID). */
export type AddInput = Uint8Array | FileEntry[]

/** Progress reported while reading: bytes so far, and the announced total when known. */
export type ReadProgress = { cid: string; bytes: number; total: number | undefined }

/** Options every call takes. */
export type StorageCallOptions = { signal?: AbortSignal }

/** Options for reading content: a hard size cap, an optional time limit, progress. */
export type GetOptions = StorageCallOptions & {
  /** Reading stops with `ContentTooLargeError` as soon as more bytes than this are announced or arrive. */
  maxBytes: number
  /** Fail with `FetchTimeoutError` after this long; no limit when absent. */
  timeoutMs?: number
  onProgress?: (progress: ReadProgress) => void
}

/** One entry of a directory listing (backends disagree on sizes and types without extra fetches, so neither is here). */
export type DirEntry = { name: string; cid: CID }

/**
 * Content-addressed storage used by miners, validators and researchers. Every implementation imports
 * with the one UnixFS profile (see `profile.ts`), so the same bytes give the same CID everywhere.
 */
export interface Storage {
  /** A short name for logs: `helia` or `kubo`. */
  readonly kind: string
  /** Stores bytes as one file, or files as one directory; returns the root CID. */
  add(input: AddInput, opts?: StorageCallOptions): Promise<CID>
  /** A file's bytes, fetched from peers when missing locally; never buffers more than `maxBytes`. */
  get(cid: CID | string, opts: GetOptions): Promise<Uint8Array>
  /** One file of a directory, e.g. `model.safetensors` of a checkpoint. */
  getFile(dirCid: CID | string, path: string, opts: GetOptions): Promise<Uint8Array>
  /** The entries of a directory. */
  ls(dirCid: CID | string, opts?: StorageCallOptions & { timeoutMs?: number }): Promise<DirEntry[]>
  /** True when the root block is stored locally (no network request). */
  has(cid: CID | string, opts?: StorageCallOptions): Promise<boolean>
  /** Fetches every block of the DAG if needed and keeps it. */
  pin(cid: CID | string, opts?: StorageCallOptions & { timeoutMs?: number }): Promise<void>
  /** Stops keeping the DAG; unpinning what is not pinned is not an error. */
  unpin(cid: CID | string, opts?: StorageCallOptions): Promise<void>
  /** True when the DAG is pinned. */
  isPinned(cid: CID | string, opts?: StorageCallOptions): Promise<boolean>
  /** Starts the backend; safe to call twice. */
  start(): Promise<void>
  /** Stops the backend; safe to call twice. */
  stop(): Promise<void>
}
