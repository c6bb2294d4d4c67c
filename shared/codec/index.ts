export {
  type DecodeCheckpointExpect,
  type DecodeDeltaExpect,
  type DecodedCheckpoint,
  type DecodedDelta,
  decodeCheckpoint,
  decodeDelta,
  type ShapeSpec,
} from './decode.ts'
export {
  type CompressDeltaResult,
  type CompressedDelta,
  type CompressedTensor,
  type CompressOptions,
  checkCompressOptions,
  compressDelta,
  decompressDelta,
  keptPerChunk,
  quantMax,
  topKIndices,
} from './delta.ts'
export {
  DELTA_FORMAT,
  DELTA_TENSORS,
  DELTA_VERSION,
  type DecodedDeltaMeta,
  type DeltaMeta,
  encodeDelta,
  parseDeltaMetadata,
  type TrainingProof,
} from './deltaFile.ts'
export { maxDeltaBytes, maxDeltaNorm, revealedDeltaExpect } from './deltaLimits.ts'
export { DTYPE_SIZES, type Dtype, type TensorData } from './dtypes.ts'
export { encodeCheckpoint } from './encodeCheckpoint.ts'
export * from './errors.ts'
export { readCapped } from './readCapped.ts'
export {
  DEFAULT_MAX_HEADER_BYTES,
  type DecodeSafetensorsOptions,
  decodeSafetensors,
  encodeSafetensors,
  type SafeTensor,
  type SafetensorsFile,
} from './safetensors.ts'
export {
  decodeSnapshot,
  encodeSnapshot,
  maxSnapshotBytes,
  SNAPSHOT_FORMAT,
  SNAPSHOT_VERSION,
  type SnapshotTensors,
} from './snapshotFile.ts'
