import { readRound } from '../../chain/actions/index.ts'
import { collectRound, type DeltaRevealEntry } from '../../chain/protocol/index.ts'
import { shardForMiner } from '../../shared/tasks/index.ts'
import type { MinerContext } from '../minerContext.ts'

/** The counted delta reveals of `round` on chain up to block `to`, by the rules every validator applies. */
export async function countedReveals(ctx: MinerContext, round: number, to: number): Promise<DeltaRevealEntry[]> {
  const schedule = ctx.view.schedule
  const w = schedule.forRound(round)
  const last = Math.min(to, w.reveal.graceEnd)
  if (last < w.firstBlock) return []
  const members = await ctx.tracker.refresh(ctx.head, ctx.signal)
  const { remarks } = await readRound(ctx.client, { from: w.firstBlock, to: last, signal: ctx.signal })
  const { shards } = ctx.view.config
  return collectRound({
    netuid: ctx.view.netuid,
    round,
    remarks,
    members: new Map(members.map((m) => [m.hotkey, { uid: m.uid, role: m.role }])),
    windows: schedule,
    expectedShard: (uid) => shardForMiner({ uid, round, rotateEvery: shards.rotateEvery, shardCount: shards.count }),
  }).deltaReveals
}
