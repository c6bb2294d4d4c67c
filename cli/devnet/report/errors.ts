import { BaseError } from '../../../shared/errors/index.ts'

/** report.json or report.html could not be built or written. */
export class ReportWriteError extends BaseError {
  override name = 'ReportWriteError'
  constructor(dir: string, cause: unknown) {
    super('devnet.report-write', `The devnet report could not be written to ${dir}.`, {
      details: cause instanceof Error ? cause.message : String(cause),
      cause,
      meta: { dir },
    })
  }
}
