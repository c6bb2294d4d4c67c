import type { ChainClient } from '../client/index.ts'
import { deltaCommitHash } from '../protocol/index.ts'
import { type RecordOptions, type RecordReceipt, submitRecord } from './submitRecord.ts'

/** The inputs of `commitDelta`. */
export type CommitDeltaParameters = RecordOptions & { netuid: number; round: number; cid: string }
/** Where the commit landed, and the hash it carries. */
export type CommitDeltaReturnType = RecordReceipt & { hash: string }

/** A miner commits `blake2(hotkey ‖ netuid ‖ r ‖ CID)` of its delta (miner commit window). */
export async function commitDelta(client: ChainClient, p: CommitDeltaParameters): Promise<CommitDeltaReturnType> {
  const hash = deltaCommitHash(p.signer.address, p.netuid, p.round, p.cid)
  const receipt = await submitRecord(
    client,
    { v: 1, t: 'delta-commit', netuid: p.netuid, round: p.round, hash },
    'commit',
    p,
  )
  return { ...receipt, hash }
}
