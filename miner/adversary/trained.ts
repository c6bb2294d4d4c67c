import { loadCheckpoint } from '../../shared/checkpoint/index.ts'
import { assignPages, trainingPages } from '../../shared/tasks/index.ts'
import type { NamedTensor } from '../../shared/tensor.ts'
import type { MinerContext } from '../minerContext.ts'
import { baseCheckpoint } from '../subnetView.ts'
import { shareDelta } from './shareFile.ts'
import type { RoundDelta, RoundInput } from './types.ts'

/** Behaviours that train for real and then cheat in one way. */
export type TrainedKind =
  | 'poison'
  | 'wrong-data'
  | 'stale'
  | 'sybil-lead'
  | 'inflate'
  | 'poison-carried'
  | 'lazy-scaled'
  | 'first-batch-only'

/** How much `inflate` multiplies its honest delta by. */
export const INFLATE_FACTOR = 10

/** The round's delta of `kind` from real training, or a reason to skip the round. */
export async function trainedDelta(
  ctx: MinerContext,
  kind: TrainedKind,
  input: RoundInput,
  shareFile?: string,
): Promise<RoundDelta | { skip: string }> {
  // Gradient ascent: the same inner loop with the learning rate negated climbs the loss. (Negating an
  // honest delta is not enough: from the genesis model, a large step either way can lower the loss.)
  // Pipelined rounds: it waits for the checkpoint its delta is scored at and climbs from there. Climbing
  // from elsewhere is not poison there: from the base plus its own previous ascent (the eager start),
  // or from the base alone, validators measured the delta as lowering the loss at the scored
  // checkpoint (tiny preset, round 1: paid 1.5·10¹⁰ and 2.1·10¹⁰).
  if (kind === 'poison') return input.train({ train: { lr: -ctx.view.config.train.lr }, fromScored: true })
  if (kind === 'wrong-data') return input.train({ pages: otherPages(ctx, input) })
  // The first batch from its assigned pages (what the old first-batch check looked at), the rest from others.
  if (kind === 'first-batch-only') {
    const other = otherPages(ctx, input)
    return input.train({ pagesAt: (step) => (step === 0 ? input.pages : other) })
  }
  const scale = (k: number) => (delta: NamedTensor[]) => delta.map((t) => ({ ...t, data: t.data.map((x) => x * k) }))
  // Honest training, the delta multiplied before compression: a bigger step on the same direction.
  if (kind === 'inflate') return input.train({ transform: scale(INFLATE_FACTOR) })
  // Honest in even rounds (to build a smoothed score), gradient ascent at the clip norm in odd ones.
  if (kind === 'poison-carried') {
    if (input.round % 2 === 0) return input.train()
    return input.train({ train: { lr: -ctx.view.config.train.lr }, transform: scale(INFLATE_FACTOR), fromScored: true })
  }
  // One inner step instead of H, scaled by H: about an honest delta's norm for an H-th of the work.
  if (kind === 'lazy-scaled') {
    const H = ctx.view.config.train.innerSteps
    return input.train({ train: { innerSteps: 1 }, transform: scale(H) })
  }
  if (kind === 'stale') return staleDelta(ctx, input)
  const out = await input.train()
  if (!shareFile) throw new TypeError('the sybil leader needs a share file')
  await shareDelta(shareFile, out.encoded)
  ctx.log.info('adversary: delta shared with the twin', { round: input.round, file: shareFile })
  return out
}

// As many pages as the assignment, drawn for another seed and disjoint from the real assignment.
function otherPages(ctx: MinerContext, input: RoundInput): number[] {
  const own = new Set(input.pages)
  const drawn = assignPages({
    datasetId: ctx.task.datasetId,
    pool: trainingPages(ctx.task).filter((p) => !own.has(p)),
    hotkey: `${ctx.pair.address}/wrong-data`,
    round: input.round,
    blockHash: input.blockHash,
    count: input.pages.length,
  })
  return drawn
}

const STALE_POLL_MS = 500

/**
 * A delta on another checkpoint than the rule's base. With pipelined rounds, the newest one: the
 * mistake of a miner that ignores the staleness rule, waiting for round r − 1 to settle and training
 * on its outcome; with sequential rounds (the base is the newest), genesis once the base is newer.
 */
async function staleDelta(ctx: MinerContext, input: RoundInput): Promise<RoundDelta | { skip: string }> {
  const load = (cid: string) =>
    loadCheckpoint(ctx.storage, cid, {
      config: ctx.view.config,
      task: ctx.task,
      timeoutMs: 120_000,
      signal: ctx.signal,
    })
  const schedule = ctx.view.schedule
  if (schedule.staleness === 0 || input.round === 0) {
    if (input.base.settledRound === null) return { skip: 'adversary stale: no checkpoint older than the base yet' }
    const genesis = await load(ctx.view.genesisCheckpoint)
    const out = await input.train({ params: genesis.params, baseCid: ctx.view.genesisCheckpoint })
    return { ...out, baseCid: ctx.view.genesisCheckpoint }
  }
  const close = schedule.forRound(input.round).commit.graceEnd
  for (;;) {
    const hash = (await ctx.client.api.rpc.chain.getBlockHash(ctx.head)).toHex()
    const newest = await baseCheckpoint(ctx.client, ctx.storage, ctx.view, {
      round: input.round,
      atBlockHash: hash,
      signal: ctx.signal,
    })
    if (newest.cid !== input.base.cid) {
      const cp = await load(newest.cid)
      ctx.log.info('adversary: training on the newest checkpoint instead of the base', {
        round: input.round,
        settledRound: newest.settledRound,
      })
      const out = await input.train({ params: cp.params, baseCid: newest.cid })
      return { ...out, baseCid: newest.cid }
    }
    if (ctx.head + 1 >= close) return { skip: 'adversary stale: no checkpoint newer than the base in time' }
    await new Promise((resolve) => setTimeout(resolve, STALE_POLL_MS))
    ctx.signal.throwIfAborted()
  }
}
