import type { Member } from '../../chain/protocol/index.ts'
import type { TrainingProof } from '../../shared/codec/index.ts'
import type { CrowdtrainConfig } from '../../shared/config/index.ts'
import type { NamedTensor } from '../../shared/tensor.ts'
import type { MinerContext } from '../minerContext.ts'
import type { ProduceDeltaReturnType } from '../produceDelta.ts'
import type { TrainState } from '../stateStore.ts'
import type { AdversaryBehaviour } from './kinds.ts'

/** What an adversary may change in the honest training run it starts from. */
export type HonestOverrides = {
  params?: readonly NamedTensor[]
  baseCid?: string
  pages?: readonly number[]
  /** Pages per inner step (first-batch-only: the assigned pages for step 0, others after). */
  pagesAt?: (step: number) => readonly number[]
  transform?: (delta: NamedTensor[]) => NamedTensor[]
  /** Inner-loop settings changed for this run (a negative learning rate climbs the loss). */
  train?: Partial<CrowdtrainConfig['train']>
  /**
   * Pipelined rounds: wait for the checkpoint this round's deltas are scored at (round r − 1's
   * settlement) and train from it, as a sequential round would; from the base if it never comes.
   */
  fromScored?: boolean
}

/** The delta a round stored (and will commit and reveal). */
export type RoundDelta = {
  cid: string
  bytes: number
  ratio?: number
  losses?: number[]
  /** Carried to the next round when the delta came from real training. */
  trainState?: TrainState
  /** The base the file claims, when not the round's base. */
  baseCid?: string
  /** Steps before which training moved onto the checkpoint the round lands in (pipelined rounds). */
  rebasedAt?: number[]
  /** The snapshots the delta file lists as its proof of training. */
  proof?: TrainingProof
}

/** What the round's work knows when the delta is made. */
export type RoundInput = {
  round: number
  me: Member
  shard: number
  /** The miner's assigned pages this round. */
  pages: readonly number[]
  /** θ_base of the round, the whole model in spec order. */
  params: readonly NamedTensor[]
  /** The deltas folded into θ_base (its manifest): the previous round's accepted deltas. */
  aggregated: readonly { uid: number; hotkey: string; shard: number; cid: string; weight?: number }[]
  base: { cid: string; settledRound: number | null }
  /** Hash of the round's first block. */
  blockHash: `0x${string}`
  /** Honest training from θ_base (with overrides), stored and pinned. */
  train(o?: HonestOverrides): Promise<ProduceDeltaReturnType>
}

/** One adversarial behaviour, hooked into the miner's round work. */
export type Adversary = {
  kind: AdversaryBehaviour
  /** Makes the round's delta in place of honest training, or skips the round with a reason. */
  delta(ctx: MinerContext, input: RoundInput): Promise<RoundDelta | { skip: string }>
  /** Takes over a whole round (no commit at all); true when it did. */
  workRound?(ctx: MinerContext, round: number, me: Member): Promise<boolean>
}
