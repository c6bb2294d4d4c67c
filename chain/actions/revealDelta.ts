import type { ChainClient } from '../client/index.ts'
import { type RecordOptions, type RecordReceipt, submitRecord } from './submitRecord.ts'

/** The inputs of `revealDelta`. */
export type RevealDeltaParameters = RecordOptions & { netuid: number; round: number; shard: number; cid: string }
/** Where the reveal landed. */
export type RevealDeltaReturnType = RecordReceipt

/** A miner reveals its delta's CID and shard (miner reveal window). */
export async function revealDelta(client: ChainClient, p: RevealDeltaParameters): Promise<RevealDeltaReturnType> {
  const record = { v: 1, t: 'delta-reveal', netuid: p.netuid, round: p.round, shard: p.shard, cid: p.cid } as const
  return submitRecord(client, record, 'reveal', p)
}
