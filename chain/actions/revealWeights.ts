import type { ChainClient } from '../client/index.ts'
import type { WeightEntry } from '../protocol/index.ts'
import { type RecordOptions, type RecordReceipt, submitRecord } from './submitRecord.ts'

/** The inputs of `revealWeights`. */
export type RevealWeightsParameters = RecordOptions & {
  netuid: number
  round: number
  weights: readonly WeightEntry[]
  salt: `0x${string}`
  evalSeed: `0x${string}`
  /** CID of the validator's signed score report. */
  reportCid: string
}
/** Where the reveal landed. */
export type RevealWeightsReturnType = RecordReceipt

/** A validator reveals weights, salt, eval seed and its score report CID (weights reveal window). */
export async function revealWeights(client: ChainClient, p: RevealWeightsParameters): Promise<RevealWeightsReturnType> {
  const record = {
    v: 1,
    t: 'weights-reveal',
    netuid: p.netuid,
    round: p.round,
    weights: p.weights.map(([uid, w]) => [uid, w] as [number, number]),
    salt: p.salt,
    evalSeed: p.evalSeed,
    reportCid: p.reportCid,
  } as const
  return submitRecord(client, record, 'weightsReveal', p)
}
