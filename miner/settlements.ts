import { claim, readSettledRounds } from '../chain/index.ts'
import { type MinerContext, saveState } from './minerContext.ts'

/** Settled round numbers from chain state. */
async function settledRounds(ctx: MinerContext): Promise<number[]> {
  const { rounds } = await readSettledRounds(ctx.client, { netuid: ctx.view.netuid })
  return rounds.map((r) => r.round)
}

/**
 * Unpins the delta of every round that settled (validators pinned it, the checkpoint links it),
 * went void (head past the end of round r+1), or was never revealed (nobody can fetch it).
 */
export async function unpinFinished(ctx: MinerContext, head: number): Promise<void> {
  const settled = new Set(await settledRounds(ctx))
  let changed = false
  for (const e of ctx.state.rounds) {
    if (e.unpinned) continue
    const voidAfter = ctx.view.schedule.forRound(e.round + 1).lastBlock
    const nobodyFetches = e.gaveUp !== undefined && e.revealedAt === undefined
    if (!settled.has(e.round) && head <= voidAfter && !nobodyFetches) continue
    await ctx.storage.unpin(e.cid, { signal: ctx.signal })
    // The snapshots were only for the validators' replays of this round.
    for (const cid of new Set(e.proof ?? [])) await ctx.storage.unpin(cid, { signal: ctx.signal })
    e.unpinned = true
    changed = true
    const why = settled.has(e.round) ? 'settled' : nobodyFetches ? 'not revealed' : 'void'
    ctx.log.info('delta unpinned', { round: e.round, cid: e.cid, why })
    if (settled.has(e.round)) ctx.progress({ round: e.round, phase: 'settled', cid: e.cid })
  }
  if (changed) await saveState(ctx)
}

/** Claims approved rewards (design §5: pulled) once a round this miner revealed in has settled. */
export async function claimRewards(ctx: MinerContext, head: number): Promise<void> {
  const settled = await settledRounds(ctx)
  const newest = settled.at(-1)
  const from = ctx.state.claimedThrough ?? -1
  const owed = ctx.state.rounds.some((e) => e.revealedAt !== undefined && settled.includes(e.round) && e.round > from)
  if (newest === undefined || newest <= from || !owed || head < (ctx.memo.claimRetryAt ?? 0)) return
  // A failed claim (e.g. no native balance for the fee) is retried a round later, not at every head.
  ctx.memo.claimRetryAt = head + ctx.view.schedule.tempo
  const res = await claim(ctx.client, {
    signer: ctx.pair,
    assetId: ctx.view.assetId,
    treasuries: [ctx.view.treasury],
    signal: ctx.signal,
  })
  ctx.state.claimedThrough = newest
  ctx.memo.claimRetryAt = undefined
  ctx.log.info('rewards claimed', { through: newest, amount: res.total })
  ctx.progress({ round: newest, phase: 'claim', amount: res.total.toString() })
  await saveState(ctx)
}
