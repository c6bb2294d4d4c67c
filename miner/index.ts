export {
  ADVERSARY_BEHAVIOURS,
  ADVERSARY_KINDS,
  type Adversary,
  type AdversaryBehaviour,
  type AdversaryKind,
  behavioursOf,
  createAdversary,
  expectedActions,
  isAdversaryBehaviour,
  isAdversaryKind,
  needsShareFile,
} from './adversary/index.ts'
export { type CreateMinerParameters, createMiner, type Miner } from './createMiner.ts'
export { InvalidLedgerError, MinerStateError } from './errors.ts'
export type { MinerProgress } from './minerContext.ts'
export { createMinerMetrics, type MinerMetrics } from './minerMetrics.ts'
export { type MinerAction, type NextActionParameters, nextAction } from './nextAction.ts'
export { type ProduceDeltaParameters, produceDelta } from './produceDelta.ts'
export {
  alignTensors,
  createStateStore,
  type MinerState,
  type RoundEntry,
  type StateStore,
  type TrainState,
  writeAtomic,
} from './stateStore.ts'
export { baseCheckpoint, loadSubnetView, type SubnetView } from './subnetView.ts'
