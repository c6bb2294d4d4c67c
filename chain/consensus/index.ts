export { bondsFromSparse, bondsToSparse, resizeBonds, type SparseBonds } from './bonds.ts'
export { type BuildWeightsParameters, buildWeights } from './buildWeights.ts'
export { InvalidConsensusInputError, InvalidSplitError } from './errors.ts'
export {
  colNormalize,
  div,
  FRAC_BITS,
  fromInt,
  fromU16,
  mul,
  normalize,
  ONE,
  sum,
  toFloat,
  toU16,
  U16_MAX,
} from './fixed.ts'
export {
  type EmissionSplit,
  largestRemainder,
  type PayoutsParameters,
  type PayoutsReturnType,
  payouts,
  splitEmission,
} from './payouts.ts'
export { type RoundConsensusParameters, type RoundConsensusReturnType, roundConsensus } from './roundConsensus.ts'
export { type StakeQuorumParameters, stakeQuorum } from './stakeQuorum.ts'
export { weightedMedian } from './weightedMedian.ts'
export { type YumaParameters, type YumaReturnType, yuma } from './yuma.ts'
