export { type AdamSlot, type AdamWConfig, adamwUpdate, clipByGlobalNorm, type OptimizerState } from './adamw.ts'
export { ReplicaStoppedError, TrainingAbortedError, TrainingDivergedError, TrainingWorkerError } from './errors.ts'
export type { RebaseSource } from './rebase.ts'
export { learningRate, roundSchedule, type ScheduleConfig } from './schedule.ts'
export { createTrainPool, type TrainOnPoolParameters, type TrainPool } from './trainPool.ts'
export {
  batchStream,
  minerBatchSeed,
  type StepInfo,
  type TrainShardParameters,
  type TrainShardReturnType,
  type TrainSnapshot,
  trainShard,
} from './trainShard.ts'
