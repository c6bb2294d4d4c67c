/** Options every crowdtrain error takes: details for people, a cause chain for debugging. */
export type BaseErrorParameters = {
  /** What a person can do about it, or more context; shown under the message. */
  details?: string
  /** The error that led to this one. */
  cause?: unknown
  /** Extra machine-readable fields (never secrets). */
  meta?: Record<string, unknown>
}

/**
 * The root of every error crowdtrain raises on purpose. `shortMessage` says what went wrong in one
 * sentence; `details` says why or what to do. Subclasses name one failure each.
 */
export class BaseError extends Error {
  override name = 'BaseError'
  /** A stable machine-readable code, e.g. `config.unknown-key`. */
  readonly code: string
  readonly shortMessage: string
  readonly details: string | undefined
  readonly meta: Record<string, unknown>

  constructor(code: string, shortMessage: string, params: BaseErrorParameters = {}) {
    const message = params.details ? `${shortMessage}\n${params.details}` : shortMessage
    super(message, params.cause === undefined ? undefined : { cause: params.cause })
    this.code = code
    this.shortMessage = shortMessage
    this.details = params.details
    this.meta = params.meta ?? {}
  }

  /** The first error in the cause chain for which `fn` is true, or null. */
  walk(fn: (err: unknown) => boolean): unknown {
    let err: unknown = this
    while (err) {
      if (fn(err)) return err
      err = err instanceof Error ? err.cause : undefined
    }
    return null
  }
}

/** True when `err` is a crowdtrain error (optionally with the given code). */
export function isBaseError(err: unknown, code?: string): err is BaseError {
  return err instanceof BaseError && (code === undefined || err.code === code)
}

/** A one-line description of any thrown value, for logs and CLI output. */
export function describeError(err: unknown): string {
  if (err instanceof BaseError) return err.details ? `${err.shortMessage} (${err.details})` : err.shortMessage
  if (err instanceof Error) return err.message
  return String(err)
}
