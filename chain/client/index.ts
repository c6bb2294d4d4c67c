export { blockHash, clientAt } from './at.ts'
export { type ChainClient, type ConnectParameters, connect } from './connect.ts'
export { type DecodedError, decodeDispatchError, dispatchErrorToChainError } from './decodeError.ts'
export { findEvent, findEvents } from './events.ts'
export {
  type BuildAsMultiParameters,
  buildAsMulti,
  type CallWeight,
  callWeight,
  type Timepoint,
} from './multisigAdapter.ts'
export { createNonceTracker, type NonceTracker } from './nonceTracker.ts'
export { type SubmitOptions, type SubmitResult, submit, type Tx } from './submit.ts'
