export { type ClaimParameters, type ClaimReturnType, claim } from './claim.ts'
export { type CommitDeltaParameters, type CommitDeltaReturnType, commitDelta } from './commitDelta.ts'
export { type CommitWeightsParameters, type CommitWeightsReturnType, commitWeights } from './commitWeights.ts'
export {
  ASSET_ATTRIBUTE,
  type CreateSubnetParameters,
  type CreateSubnetReturnType,
  createSubnet,
} from './createSubnet.ts'
export { type ReadBalancesParameters, type ReadBalancesReturnType, readBalances } from './readBalances.ts'
export {
  type MetagraphRow,
  type ReadMetagraphParameters,
  type ReadMetagraphReturnType,
  readMetagraph,
} from './readMetagraph.ts'
export { asMultiCall, type PendingCall, type ReadPendingCallsParameters, readPendingCalls } from './readPendingCalls.ts'
export { type ReadRoundParameters, type ReadRoundReturnType, readRound, remarksOfBlock } from './readRound.ts'
export {
  type ReadSettledRoundsParameters,
  type ReadSettledRoundsReturnType,
  readSettledRounds,
} from './readSettledRounds.ts'
export { readStakeSnapshot } from './readStakeSnapshot.ts'
export { type ReadSubnetParameters, type ReadSubnetReturnType, readSubnet } from './readSubnet.ts'
export { type RegisterParameters, type RegisterReturnType, register } from './register.ts'
export { type RevealDeltaParameters, type RevealDeltaReturnType, revealDelta } from './revealDelta.ts'
export { type RevealWeightsParameters, type RevealWeightsReturnType, revealWeights } from './revealWeights.ts'
export {
  type RotateValidatorsParameters,
  type RotateValidatorsReturnType,
  rotateValidators,
} from './rotateValidators.ts'
export { type ScanBlocksParameters, type ScannedBlock, scanBlocks } from './scanBlocks.ts'
export { type SettleParameters, type SettleReturnType, settle } from './settle.ts'
export { type RecordOptions, type RecordReceipt, submitRecord } from './submitRecord.ts'
export {
  checkProxyExecuted,
  type TreasuryCallParameters,
  type TreasuryCallReturnType,
  treasuryCall,
} from './treasuryCall.ts'
