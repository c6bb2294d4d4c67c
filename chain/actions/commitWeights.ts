import type { ChainClient } from '../client/index.ts'
import { type WeightEntry, weightsCommitHash } from '../protocol/index.ts'
import { type RecordOptions, type RecordReceipt, submitRecord } from './submitRecord.ts'

/** The inputs of `commitWeights`. */
export type CommitWeightsParameters = RecordOptions & {
  netuid: number
  round: number
  /** `[uid, u16]` pairs, uids strictly ascending. */
  weights: readonly WeightEntry[]
  salt: `0x${string}`
  evalSeed: `0x${string}`
}
/** Where the commit landed, and the hash it carries. */
export type CommitWeightsReturnType = RecordReceipt & { hash: string }

/** A validator commits the hash of (hotkey, netuid, r, weights, salt, evalSeed) (evaluate window). */
export async function commitWeights(client: ChainClient, p: CommitWeightsParameters): Promise<CommitWeightsReturnType> {
  const hash = weightsCommitHash({
    hotkey: p.signer.address,
    netuid: p.netuid,
    round: p.round,
    weights: p.weights,
    salt: p.salt,
    evalSeed: p.evalSeed,
  })
  const receipt = await submitRecord(
    client,
    { v: 1, t: 'weights-commit', netuid: p.netuid, round: p.round, hash },
    'evaluate',
    p,
  )
  return { ...receipt, hash }
}
