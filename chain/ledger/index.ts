export {
  type ComputeRoundOutcomeParameters,
  computeRoundOutcome,
  type LedgerInputFields,
  ledgerInputFields,
  type OutcomeDeltaReveal,
  type PartialLedger,
  type RoundOutcome,
  vouchedReveals,
} from './computeRoundOutcome.ts'
export {
  BadReportSignatureError,
  DocumentMismatchError,
  DocumentTooLargeError,
  InvalidDocumentError,
  InvalidOutcomeInputError,
} from './errors.ts'
export {
  type FetchScoreReportsParameters,
  type FetchScoreReportsReturnType,
  fetchScoreReports,
} from './fetchScoreReports.ts'
export {
  type AcceptedDelta,
  encodeLedger,
  LEDGER_VERSION,
  type LedgerMember,
  type LedgerPayout,
  ledgerSchema,
  MAX_LEDGER_BYTES,
  parseLedger,
  type RoundLedger,
} from './ledger.ts'
export { outcomeInputsFromLedger, outcomeMatchesLedger } from './outcomeInputsFromLedger.ts'
export {
  type BuildOutcomeCheckpointParameters,
  buildOutcomeCheckpoint,
  finishLedger,
  type PublishRoundOutcomeParameters,
  publishRoundOutcome,
} from './publishRoundOutcome.ts'
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
export {
  amount as amountSchema,
  cid as cidSchema,
  parseJsonDocument,
  ss58 as ss58Schema,
  u32 as u32Schema,
} from './schemas.ts'
