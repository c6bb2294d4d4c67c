import type { Member } from '../chain/protocol/index.ts'
import { describeError } from '../shared/errors/index.ts'
import { assignPages, shardForMiner, trainingPages } from '../shared/tasks/index.ts'
import type { HonestOverrides, RoundDelta } from './adversary/index.ts'
import type { MinerContext } from './minerContext.ts'
import { produceDelta } from './produceDelta.ts'
import { watchForRebase } from './rebaseWatch.ts'
import { type TrainState, withTrainFile } from './stateStore.ts'
import { baseCheckpoint } from './subnetView.ts'

/**
 * The round's training (docs/network.md step 1): base checkpoint as of the round's train block,
 * the miner's shard and pages, training, then the delta stored, pinned and persisted — the round
 * entry is written last, so a crash before it only means training again.
 */
export async function trainRound(ctx: MinerContext, round: number, me: Member): Promise<void> {
  const { view, task, state, store } = ctx
  const cfg = view.config
  const w = view.schedule.forRound(round)
  const blockHash = (await ctx.client.api.rpc.chain.getBlockHash(w.trainBlock)).toHex()
  const base = await baseCheckpoint(ctx.client, ctx.storage, view, {
    round,
    atBlockHash: blockHash,
    signal: ctx.signal,
  })
  const { checkpoint, source } = await ctx.follower.get(base.cid, ctx.signal)
  const params = checkpoint.params
  const shard = shardForMiner({
    uid: me.uid,
    round,
    rotateEvery: cfg.shards.rotateEvery,
    shardCount: ctx.plan.count,
  })
  const pages = assignPages({
    datasetId: task.datasetId,
    pool: trainingPages(task),
    hotkey: ctx.pair.address,
    round,
    blockHash,
    count: cfg.task.pagesPerMiner,
  })
  let carried: TrainState | undefined
  try {
    // The residual and moments of this shard from the last round the miner trained it (docs/network.md).
    carried = await store.loadTrain(state, shard)
  } catch (err) {
    ctx.log.warn('training state unreadable; starting fresh', { reason: describeError(err) })
  }
  ctx.log.info('training', {
    round,
    uid: me.uid,
    shard,
    base: base.cid,
    settledRound: base.settledRound,
    // What this round's base cost to get: the accepted deltas (following) or the whole checkpoint.
    baseFrom: source.how,
    downloadBytes: source.bytes,
    ...(source.reason ? { downloadReason: source.reason } : {}),
  })
  const tokensPerStep = cfg.train.batch * (task.kind === 'lm' ? cfg.model.context : 1)
  ctx.progress({ round, phase: 'train', step: 0, steps: cfg.train.innerSteps, tokensPerStep })
  // Pipelined rounds: the checkpoint this round's deltas land in settles while it trains (rebaseWatch.ts).
  const watch =
    cfg.round.staleness > 0 && (base.settledRound ?? -1) < round - 1
      ? watchForRebase(ctx, { round, baseCid: base.cid, until: w.commit.graceEnd })
      : undefined
  const train = async (o: HonestOverrides = {}) =>
    produceDelta({
      task,
      config: o.train ? { ...cfg, train: { ...cfg.train, ...o.train } } : cfg,
      params: o.params ?? (o.fromScored && watch ? ((await watch.found()) ?? params) : params),
      plan: ctx.plan,
      shard,
      pages: o.pages ?? pages,
      hotkey: ctx.pair.address,
      round,
      baseCid: o.baseCid ?? base.cid,
      baseRound: o.baseCid || o.fromScored ? undefined : base.settledRound,
      backend: ctx.backend,
      trainPool: ctx.trainPool,
      trainState: carried,
      storage: ctx.storage,
      logger: ctx.log,
      signal: ctx.signal,
      transform: o.transform,
      pagesAt: o.pagesAt,
      // An adversary training on another base than the round's never moves.
      rebase: o.params || o.baseCid || o.fromScored ? undefined : watch?.source,
      onStep: (s) => ctx.progress({ round, phase: 'train', step: s.step + 1, steps: s.steps, loss: s.loss }),
    })
  const aggregated = checkpoint.manifest.deltas
  const input = { round, me, shard, pages, params, aggregated, base, blockHash, train }
  const started = performance.now()
  let out: RoundDelta | { skip: string }
  try {
    out = ctx.adversary ? await ctx.adversary.delta(ctx, input) : await train()
  } finally {
    await watch?.stop()
  }
  // Seconds this round's delta took to make (training and compression): the devnet's busy fraction.
  const trainSeconds = Math.round(performance.now() - started) / 1000
  if ('skip' in out) {
    ctx.memo.skipped.add(round)
    ctx.log.warn('round skipped', { round, reason: out.skip })
    ctx.progress({ round, phase: 'give-up', message: out.skip })
    return
  }
  const first = out.losses?.[0]
  const last = out.losses?.at(-1)
  ctx.log.info('delta stored', {
    round,
    shard,
    cid: out.cid,
    bytes: out.bytes,
    ratio: out.ratio,
    first,
    last,
    trainSeconds,
    ...(out.rebasedAt?.length ? { rebasedAt: out.rebasedAt, rebasedOnto: watch?.target()?.cid } : {}),
  })
  ctx.progress({ round, phase: 'upload', cid: out.cid, bytes: out.bytes, ratio: out.ratio, loss: last })
  if (out.trainState) {
    const file = await store.saveTrain(round, out.trainState)
    state.trains = withTrainFile(state, { file, shard: out.trainState.shard, round }).trains
  }
  state.rounds.push({
    round,
    shard,
    baseCid: out.baseCid ?? base.cid,
    cid: out.cid,
    ...(out.proof ? { proof: out.proof.snapshots } : {}),
  })
  await store.save(state)
  await store.prune(state)
}
