import { BaseError } from './BaseError.ts'

/** A command line the CLI cannot act on (exit code 2). */
export class UsageError extends BaseError {
  override name = 'UsageError'
  constructor(message: string, details?: string) {
    super('usage', message, { details })
  }
}
