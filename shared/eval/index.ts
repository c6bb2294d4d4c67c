export { type EvaluateLossParameters, evaluateLoss } from './evaluateLoss.ts'
