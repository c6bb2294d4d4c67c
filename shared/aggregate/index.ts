export {
  type AggregateParameters,
  type AggregateReturnType,
  aggregateShard,
  applyDelta,
  type OuterStepParameters,
  outerStep,
  selectTopG,
  shardClipNorm,
  type WeightedDelta,
} from './aggregate.ts'
export { InvalidAggregationInputError, TensorMismatchError } from './errors.ts'
export { axpy, div, norm, scale, sumSquares } from './float32.ts'
