import { BaseError } from '../../shared/errors/index.ts'

/** Bytes of a score report, round ledger or subnet document that do not parse under the strict schema. */
export class InvalidDocumentError extends BaseError {
  override name = 'InvalidDocumentError'
  constructor(what: string, reason: string, cause?: unknown) {
    super('ledger.invalid-document', `The ${what} is invalid: ${reason}.`, { cause, meta: { what } })
  }
}

/** A document larger than the reader allows (checked before parsing). */
export class DocumentTooLargeError extends BaseError {
  override name = 'DocumentTooLargeError'
  constructor(what: string, bytes: number, maxBytes: number) {
    super('ledger.too-large', `The ${what} is ${bytes} bytes; at most ${maxBytes} are accepted.`, {
      meta: { what, bytes, maxBytes },
    })
  }
}

/** A score report whose signature is not an sr25519 signature of its validator's hotkey. */
export class BadReportSignatureError extends BaseError {
  override name = 'BadReportSignatureError'
  constructor(validator: string) {
    super('ledger.bad-signature', `The score report is not signed by its validator ${validator}.`, {
      details: 'A report counts only with a valid sr25519 signature of the hotkey named in it.',
      meta: { validator },
    })
  }
}

/** A parsed document about another subnet, round or signer than the one the reader expects. */
export class DocumentMismatchError extends BaseError {
  override name = 'DocumentMismatchError'
  constructor(what: string, field: string, got: unknown, expected: unknown) {
    super('ledger.mismatch', `The ${what} has ${field} ${String(got)}; ${String(expected)} was expected.`, {
      meta: { what, field, got: String(got), expected: String(expected) },
    })
  }
}

/** Inputs of the round outcome that cannot be combined (a delta missing, a shard that does not fit). */
export class InvalidOutcomeInputError extends BaseError {
  override name = 'InvalidOutcomeInputError'
  constructor(reason: string, cause?: unknown) {
    super('ledger.invalid-outcome-input', `Cannot compute the round outcome: ${reason}.`, { cause })
  }
}
