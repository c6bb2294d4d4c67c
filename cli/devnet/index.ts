export { type AdversaryPlan, adversaryExpects, parseAdversaries, planAdversaries } from './adversaries.ts'
export { ChainWatcher, type ChainWatcherInit, pendingActions } from './ChainWatcher.ts'
export { type ChildExit, ChildProcesses, type ChildSpec, logTail } from './ChildProcesses.ts'
export { type ClockDecision, type ClockInput, clockDecision, expectedActors, type SeenAction } from './clockPolicy.ts'
export { DevnetClock, type Participant, type TickResult } from './DevnetClock.ts'
export { devnetConfig } from './devnetConfig.ts'
export {
  ChildCrashedError,
  DevnetDirError,
  DevnetInterruptedError,
  InvalidChaosError,
  RegistrationTimeoutError,
  RoundFailedError,
} from './errors.ts'
export { type ChaosSpec, parseChaos } from './parseChaos.ts'
export { claimCount, renderRound, statusLine, tokens } from './renderRound.ts'
export { type DevnetResult, type RunDevnetParameters, runDevnet } from './runDevnet.ts'
export { setupWallets } from './setupWallets.ts'
export {
  type LedgerView,
  type MinerReason,
  type MinerSummary,
  type RoundSummary,
  summarizeRound,
  type ValidatorSummary,
} from './summarizeRound.ts'
export { type TerminalStreams, TerminalView } from './TerminalView.ts'
