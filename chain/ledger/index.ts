export {
  BadReportSignatureError,
  DocumentMismatchError,
  DocumentTooLargeError,
  InvalidDocumentError,
  InvalidOutcomeInputError,
} from './errors.ts'
export {
  encodeScoreReport,
  MAX_REPORT_BYTES,
  type ParseScoreReportOptions,
  parseScoreReport,
  REPORT_VERSION,
  reportSigningBytes,
  type ScoreReport,
  type ScoreRow,
  type SignedScoreReport,
  verifyScoreReport,
  vouchedUids,
} from './report.ts'
