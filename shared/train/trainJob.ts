import type { BackendName } from '../backend/index.ts'
import type { CrowdtrainConfig } from '../config/index.ts'
import type { StepInfo, TrainShardParameters, TrainShardReturnType } from './trainShard.ts'

/** trainShard's inputs that cross to a worker thread: plain data, no functions. */
export type TrainInputs = Omit<
  TrainShardParameters,
  'task' | 'backend' | 'replica' | 'onStep' | 'signal' | 'logger' | 'pagesAt' | 'yieldBetweenSteps' | 'rebase'
>

/** What the main thread sends each training worker. */
export type TrainJob = {
  part: number
  parts: number
  buffer: SharedArrayBuffer
  /** Where the main thread posts a newer base mid-training (rebase.ts), when the training takes one. */
  rebase?: SharedArrayBuffer
  backend: BackendName
  /** The config the task is loaded from (task name and paging). */
  config: CrowdtrainConfig
  /** The task the main thread trains on: the worker checks it loaded the same data. */
  datasetId: string
  train: TrainInputs
}

/** What a training worker sends back. */
export type WorkerMessage =
  | { kind: 'step'; info: StepInfo }
  | { kind: 'done'; result?: TrainShardReturnType }
  | { kind: 'error'; error: { name: string; message: string; meta: Record<string, unknown> } }
