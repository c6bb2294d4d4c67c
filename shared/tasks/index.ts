export { DEFAULT_EVAL_BATCH, evalBatches, sampleBatch } from './batches.ts'
export { CHAR_VOCAB_SIZE, type CharTokenizer, charTokenizer, normalizeText, UNKNOWN_ID } from './charTokenizer.ts'
export { checkDataBudget, type DataBudget } from './checkDataBudget.ts'
export { MAX_TEXT_FILE_BYTES } from './datasets.ts'
export {
  DataBudgetError,
  DatasetCorruptError,
  DatasetMissingError,
  DatasetTooSmallError,
  EmptyPageSetError,
  InvalidBatchParameterError,
  InvalidPageArgumentError,
  NotEnoughPagesError,
  PageOutOfRangeError,
  UnknownTaskError,
  WindowTooLargeError,
} from './errors.ts'
export { clearTaskCache, KNOWN_TASKS, type LoadTaskOptions, loadTask, taskFromText, taskText } from './loadTask.ts'
export {
  type AssignPagesParameters,
  assignPages,
  type DrawEvalPagesParameters,
  drawEvalPages,
  type EvalSeed,
  type HashLike,
  isReportPage,
  reportPages,
  type ShardForMinerParameters,
  shardForMiner,
  trainingPages,
  unassignedPages,
} from './pages.ts'
export type { Batch, ClassifyBatch, ClassifyTask, LmBatch, LmTask, Task } from './types.ts'
