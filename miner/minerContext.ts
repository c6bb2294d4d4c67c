import type { KeyringPair } from '@polkadot/keyring/types'
import type { ChainClient } from '../chain/index.ts'
import type { Backend } from '../shared/backend/index.ts'
import type { Logger } from '../shared/logger/index.ts'
import type { ModelSpec } from '../shared/model/index.ts'
import type { Gossip } from '../shared/p2p/index.ts'
import type { ShardPlan } from '../shared/shards/index.ts'
import type { HeliaStorage, Storage } from '../shared/storage/index.ts'
import type { Task } from '../shared/tasks/index.ts'
import type { TrainPool } from '../shared/train/index.ts'
import type { Adversary } from './adversary/index.ts'
import type { CheckpointFollower } from './followCheckpoint.ts'
import type { MetagraphTracker } from './metagraphTracker.ts'
import type { MinerState, StateStore } from './stateStore.ts'
import type { SubnetView } from './subnetView.ts'

/** What the miner shows on a terminal. */
export type MinerProgress = {
  round: number | null
  phase: 'register' | 'wait' | 'train' | 'upload' | 'commit' | 'reveal' | 'settled' | 'claim' | 'give-up'
  step?: number
  steps?: number
  /** Tokens (examples for classification) one inner step trains on; on the round's first train event. */
  tokensPerStep?: number
  loss?: number
  cid?: string
  bytes?: number
  ratio?: number
  amount?: string
  message?: string
}

/** Everything a miner step works with; built once by `createMiner`. */
export type MinerContext = {
  client: ChainClient
  pair: KeyringPair
  storage: Storage | HeliaStorage
  backend: Backend
  /** Worker threads a round trains on, data-parallel (absent: the main thread). */
  trainPool?: TrainPool
  log: Logger
  store: StateStore
  state: MinerState
  view: SubnetView
  task: Task
  spec: ModelSpec
  plan: ShardPlan
  tracker: MetagraphTracker
  /** The checkpoint the miner holds, followed from round to round by the accepted deltas. */
  follower: CheckpointFollower
  gossip: Gossip | undefined
  signal: AbortSignal
  /** The newest finalized head seen (updated by the subscription). */
  head: number
  progress(p: MinerProgress): void
  /** Wakes the miner's loop before the next head (a background training ended). */
  wake(): void
  roundsLimit: number | undefined
  /** An adversarial behaviour (robustness tests and benchmarks only); undefined for an honest miner. */
  adversary?: Adversary
  memo: {
    dialedAt: Map<string, number>
    registerSentAt: number | undefined
    /** A failed claim is tried again from this head on. */
    claimRetryAt?: number
    /** Rounds already reported as skipped. */
    skipped: Set<number>
    /** Rounds whose records were looked up on chain after a restart. */
    checkedOnChain: Set<number>
    /** The round training in the background, if any (`startTraining`). */
    training?: { round: number; done: Promise<void> }
    /** The claim in flight, if any (`startClaims`). */
    claiming?: Promise<void>
  }
}

const KEEP_ROUNDS = 64

/** Persists the miner state (the newest rounds only). */
export async function saveState(ctx: MinerContext): Promise<void> {
  ctx.state.rounds = ctx.state.rounds.sort((a, b) => a.round - b.round).slice(-KEEP_ROUNDS)
  await ctx.store.save(ctx.state)
}
