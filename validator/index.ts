export { type BuiltOutcome, buildRoundOutcome } from './buildRoundOutcome.ts'
export { type ChainView, type CreateChainViewParameters, createChainView } from './chainView.ts'
export { checkpointCache, loadScores, type SmoothedScores, saveScores, type ValidatorContext } from './context.ts'
export { type CreateValidatorParameters, createValidator, type Validator } from './createValidator.ts'
export {
  CheckpointUnavailableError,
  InvalidLedgerError,
  NotInValidatorSetError,
  ValidatorStateError,
} from './errors.ts'
export { type EvaluateRoundParameters, evaluateRound, shardParams, withShard } from './evaluateRound.ts'
export { FAULT_KINDS, type FaultKind, parseFaults, type ValidatorFaults } from './faults/index.ts'
export {
  type FetchDeltaParameters,
  type FetchDeltaReturnType,
  fetchDelta,
  maxDeltaBytes,
  shortReason,
} from './fetchDelta.ts'
export { createPrefetcher, type Prefetcher } from './prefetch.ts'
export { type BuildScoreReportParameters, buildScoreReport, publishReport } from './publishReport.ts'
export {
  loadRoundState,
  nextStep,
  type RoundState,
  type RoundStep,
  roundStatePath,
  roundStateSchema,
  saveRoundState,
  writeJsonAtomic,
} from './roundState.ts'
export { commitStep, evaluateStep, revealStep, roundRecords, seedRound } from './roundSteps.ts'
export {
  cosine,
  DEFAULT_SCORE_OPTIONS,
  type DeltaMeasurement,
  duplicateGroups,
  REASONS,
  type ScoreRoundOptions,
  type ScoreRow,
  scoreRound,
  smoothScores,
} from './scoreRound.ts'
export { proposerOf, settleStep } from './settleStep.ts'
export { allowedBase, blockHash, clientAt, loadSubnetView, type SubnetView } from './subnetView.ts'
export type { ValidatorEvent } from './validatorEvents.ts'
export { createValidatorMetrics, type ValidatorMetrics } from './validatorMetrics.ts'
export { type CarriedVoidRoundsParameters, carriedVoidRounds } from './voidRounds.ts'
