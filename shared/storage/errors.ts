import { BaseError } from '../errors/index.ts'

/** Content larger than the caller allowed; reading stopped at the cap. */
export class ContentTooLargeError extends BaseError {
  override name = 'ContentTooLargeError'
  constructor(cid: string, maxBytes: number, seenBytes: number | bigint) {
    super('storage.too-large', `Content ${cid} is larger than the allowed ${maxBytes} bytes.`, {
      details: `At least ${seenBytes} bytes were announced or read; reading stopped there.`,
      meta: { cid, maxBytes, seenBytes: String(seenBytes) },
    })
  }
}

/** A fetch that did not finish within its time limit. */
export class FetchTimeoutError extends BaseError {
  override name = 'FetchTimeoutError'
  constructor(cid: string, timeoutMs: number, cause?: unknown) {
    super('storage.timeout', `Fetching ${cid} did not finish within ${timeoutMs} ms.`, {
      details: 'No connected peer delivered all its blocks in time; check that a peer holding it is connected.',
      cause,
      meta: { cid, timeoutMs },
    })
  }
}

/** A fetch or add stopped because the caller's signal was aborted. */
export class StorageAbortedError extends BaseError {
  override name = 'StorageAbortedError'
  constructor(operation: string, target: string, cause?: unknown) {
    super('storage.aborted', `${operation} of ${target} was aborted.`, { cause, meta: { operation, target } })
  }
}

/** A string that is not a valid CID. */
export class InvalidCidError extends BaseError {
  override name = 'InvalidCidError'
  constructor(input: string, cause?: unknown) {
    super('storage.invalid-cid', `"${input.slice(0, 100)}" is not a valid CID.`, {
      details: 'Expected a CIDv0 (Qm…) or CIDv1 (bafy…, bafk…) string.',
      cause,
    })
  }
}

/** Content that is not in the local store (and was not fetched), or a path missing in a directory. */
export class NotFoundError extends BaseError {
  override name = 'NotFoundError'
  constructor(what: string, details?: string) {
    super('storage.not-found', `${what} was not found.`, { details })
  }
}

/** Content whose shape is not what was asked for (a directory where a file was expected, a malformed DAG). */
export class InvalidContentError extends BaseError {
  override name = 'InvalidContentError'
  constructor(cid: string, reason: string, cause?: unknown) {
    super('storage.invalid-content', `Content ${cid} cannot be read: ${reason}.`, { cause, meta: { cid } })
  }
}

/** Input to `add` that cannot be stored as given (bad path, duplicate name, empty directory). */
export class InvalidAddInputError extends BaseError {
  override name = 'InvalidAddInputError'
  constructor(reason: string) {
    super('storage.invalid-input', `Cannot add this content: ${reason}.`)
  }
}

/** The storage backend cannot be reached or is not started. */
export class StorageUnavailableError extends BaseError {
  override name = 'StorageUnavailableError'
  constructor(backend: string, reason: string, cause?: unknown) {
    super('storage.unavailable', `The ${backend} storage is unavailable: ${reason}.`, { cause, meta: { backend } })
  }
}

/** A string that is not a valid multiaddr. */
export class InvalidMultiaddrError extends BaseError {
  override name = 'InvalidMultiaddrError'
  constructor(input: string, cause?: unknown) {
    super('storage.invalid-multiaddr', `"${input.slice(0, 200)}" is not a valid multiaddr.`, {
      details: 'Expected e.g. /ip4/127.0.0.1/tcp/4001/p2p/12D3Koo…',
      cause,
    })
  }
}

/** A peer that could not be dialled. */
export class PeerUnreachableError extends BaseError {
  override name = 'PeerUnreachableError'
  constructor(address: string, cause?: unknown) {
    super('storage.peer-unreachable', `Could not connect to peer ${address}.`, {
      details: 'Check that the peer is running and that its address (with /p2p/<peer id>) is right.',
      cause,
    })
  }
}
