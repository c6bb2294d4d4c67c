export { type BuildCheckpointParameters, buildCheckpointFiles, buildManifest } from './buildCheckpointFiles.ts'
export { CheckpointTooLargeError, InvalidCheckpointError, InvalidCheckpointInputError } from './errors.ts'
export { type GenesisCheckpoint, type GenesisCheckpointOptions, genesisCheckpoint } from './genesisCheckpoint.ts'
export { type LoadCheckpointOptions, loadCheckpoint } from './loadCheckpoint.ts'
export {
  CHECKPOINT_FILES,
  CHECKPOINT_VERSION,
  type CheckpointDelta,
  type CheckpointManifest,
  fullConfigSchema,
  isCanonicalCid,
  MAX_MANIFEST_BYTES,
  MODEL_FORMAT,
  manifestSchema,
  OUTER_STATE_FORMAT,
  roundLoss,
} from './manifest.ts'
export {
  defaultCheckpointMaxBytes,
  type ParseCheckpointOptions,
  type ParsedCheckpoint,
  parseCheckpoint,
  parseManifest,
} from './parseCheckpoint.ts'
export { REPORT_LOSS_PAGES, reportLoss, reportLossPages } from './reportLoss.ts'
