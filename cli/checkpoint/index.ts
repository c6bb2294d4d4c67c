export { checkRecords, fieldsDiffering, ledgerFieldsFromChain } from './chainRecords.ts'
export { cidOf } from './cidOf.ts'
export {
  type CheckpointUnderTest,
  compareCheckpoint,
  type ExpectedCheckpoint,
  type TensorFinding,
} from './compareCheckpoint.ts'
export { describeDifference, diffTensors, type TensorDifference } from './diffTensors.ts'
export {
  ContentUnavailableError,
  InvalidLocalCheckpointError,
  InvalidTfjsModelError,
  LedgerMismatchError,
  NoReachablePeerError,
  NoSettledRoundError,
  NotATextTaskError,
  RoundNotSettledError,
} from './errors.ts'
export { type ListedRound, listCheckpoints } from './list.ts'
export { type LocalCheckpoint, readLocalCheckpoint } from './localCheckpoint.ts'
export {
  fetchOrExplain,
  type OpenSubnet,
  type OpenSubnetParameters,
  openSubnet,
  type SettledRound,
} from './openSubnet.ts'
export {
  type FetchedCheckpoint,
  fetchSettledCheckpoint,
  LEDGER_FILE,
  type PullProgress,
  type PullReturnType,
  pullCheckpoint,
  TFJS_DIR,
} from './pull.ts'
export { type SampleParameters, type SampleSource, sampleText } from './sample.ts'
export {
  buildTfjsModel,
  loadTfjsModel,
  parseTfjsModel,
  TFJS_MODEL_JSON,
  type TfjsModel,
  writeTfjsModel,
} from './tfjsModel.ts'
export { type VerifyCheck, type VerifyPart, type VerifyReturnType, verifyRound } from './verify.ts'
