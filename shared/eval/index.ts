export { type EvaluateLossParameters, evaluateLoss } from './evaluateLoss.ts'
export { createLossPool, inProcessLosses, type LossEvaluator } from './lossPool.ts'
