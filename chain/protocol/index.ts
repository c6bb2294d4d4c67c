export {
  deltaCommitRecord,
  deltaRevealRecord,
  randomHex32,
  registerRecord,
  remarkText,
  weightsCommitRecord,
  weightsFromScores,
  weightsRevealRecord,
} from './builders.ts'
export { canonicalJson } from './canonicalJson.ts'
export {
  type CollectRegistrationsParameters,
  type CollectRegistrationsReturnType,
  collectRegistrations,
  type Member,
} from './collectRegistrations.ts'
export {
  type CollectRoundParameters,
  type CollectRoundReturnType,
  type CommitEntry,
  collectRound,
  type DeltaRevealEntry,
  type IgnoredRemark,
  type MemberInfo,
  type RawRemark,
  type WeightsRevealEntry,
} from './collectRound.ts'
export { type CollectRoundRecordsParameters, collectRoundRecords } from './collectRoundRecords.ts'
export { encodeRecord } from './encodeRecord.ts'
export { BlockOutOfRangeError, InvalidHashInputError, InvalidRecordError, InvalidScheduleError } from './errors.ts'
export { deltaCommitHash, type Hex32, type WeightsCommitInput, weightsCommitHash } from './hashes.ts'
export { type ParseFailure, type ParseRecordReturnType, parseRecord } from './parseRecord.ts'
export {
  accountId,
  type ChainRecord,
  type DeltaCommitRecord,
  type DeltaRevealRecord,
  isCanonicalCid,
  isSs58,
  MAX_CID_CHARS,
  MAX_MULTIADDR_CHARS,
  MAX_MULTIADDRS,
  MAX_RECORD_BYTES,
  MAX_SHARD,
  MAX_WEIGHTS,
  RECORD_PREFIX,
  RECORD_VERSION,
  type RecordType,
  type RegisterRecord,
  recordSchema,
  type WeightEntry,
  type WeightsCommitRecord,
  type WeightsRevealRecord,
} from './records.ts'
export {
  type BlockWindow,
  type RoundSchedule,
  type RoundWindows,
  type RoundWindowsParameters,
  roundWindows,
  scheduleFromConfig,
  WINDOW_NAMES,
  type WindowAt,
  type WindowName,
} from './roundWindows.ts'
