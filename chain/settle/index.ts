export { type BuildRotationCallParameters, buildRotationCall } from './buildRotationCall.ts'
export {
  type BuildSettleCallParameters,
  type BuildSettleCallReturnType,
  buildSettleCall,
  MAX_APPROVALS_PER_SETTLE,
  mergePayouts,
  type Payout,
} from './buildSettleCall.ts'
export { compareSettleCalls } from './compareSettleCalls.ts'
export { decodeSettleCall, type SettleCallParts } from './decodeSettleCall.ts'
export { accountHex, multisigAddress, otherSignatories } from './multisigAddress.ts'
