import type { CrowdtrainConfig } from '../../shared/config/index.ts'
import { shardForMiner } from '../../shared/tasks/index.ts'
import type { Member } from './collectRegistrations.ts'
import { type CollectRoundReturnType, collectRound, type RawRemark } from './collectRound.ts'
import type { RoundSchedule } from './roundWindows.ts'

/** The inputs of `collectRoundRecords`. */
export type CollectRoundRecordsParameters = {
  netuid: number
  round: number
  /** Remarks of the round's blocks up to the block the records are read at (others are ignored). */
  remarks: readonly RawRemark[]
  /** The metagraph at that block. */
  members: readonly Member[]
  schedule: RoundSchedule
  config: Pick<CrowdtrainConfig, 'shards'>
}

/**
 * The counted records of a round as settlement reads them: `collectRound` against the metagraph,
 * each miner held to the shard the rotation gives it. One rule for validators (`roundRecords`) and
 * `checkpoint verify`, which checks a ledger's inputs against the chain.
 */
export function collectRoundRecords(p: CollectRoundRecordsParameters): CollectRoundReturnType {
  const { round, config } = p
  return collectRound({
    netuid: p.netuid,
    round,
    remarks: p.remarks,
    members: new Map(p.members.map((m) => [m.hotkey, { uid: m.uid, role: m.role }])),
    windows: p.schedule,
    expectedShard: (uid) =>
      shardForMiner({ uid, round, rotateEvery: config.shards.rotateEvery, shardCount: config.shards.count }),
  })
}
