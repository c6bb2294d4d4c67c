export { type AdamSlot, type AdamWConfig, adamwUpdate, clipByGlobalNorm, type OptimizerState } from './adamw.ts'
export { TrainingAbortedError, TrainingDivergedError } from './errors.ts'
export { learningRate, roundSchedule, type ScheduleConfig } from './schedule.ts'
export {
  batchStream,
  minerBatchSeed,
  type StepInfo,
  type TrainShardParameters,
  type TrainShardReturnType,
  trainShard,
} from './trainShard.ts'
