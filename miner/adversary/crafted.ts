import { type DeltaMeta, maxDeltaBytes } from '../../shared/codec/index.ts'
import { shardTensors } from '../../shared/shards/index.ts'
import type { MinerContext } from '../minerContext.ts'
import { adversaryRng, garbageBytes, nanDeltaFile, noiseDeltaFile, wrongShapeDeltaFile } from './craftDelta.ts'
import { storeBytes } from './store.ts'
import type { RoundDelta, RoundInput } from './types.ts'

/** Behaviours that never train: they store a file made up for the round. */
export type CraftedKind = 'garbage' | 'nan' | 'wrong-shape' | 'oversize' | 'noise'

const GARBAGE_BYTES = 8 * 1024
const OVERSIZE_MIN_BYTES = 16 * 1024 * 1024

/** The round's made-up delta file of `kind`, stored and pinned. */
export async function craftedDelta(ctx: MinerContext, kind: CraftedKind, input: RoundInput): Promise<RoundDelta> {
  const cfg = ctx.view.config
  const like = shardTensors(input.params, ctx.plan, input.shard)
  const rng = adversaryRng(kind, ctx.pair.address, input.round)
  const meta: DeltaMeta = {
    task: cfg.task.name,
    round: input.round,
    shard: input.shard,
    baseCid: input.base.cid,
    hotkey: ctx.pair.address,
  }
  let bytes: Uint8Array
  if (kind === 'garbage') bytes = garbageBytes(rng, GARBAGE_BYTES)
  else if (kind === 'nan') bytes = nanDeltaFile(like, meta, cfg.compress, rng)
  else if (kind === 'wrong-shape') bytes = wrongShapeDeltaFile(like, meta, cfg.compress, rng)
  else if (kind === 'noise') bytes = noiseDeltaFile(like, meta, cfg, rng)
  else {
    const cap = maxDeltaBytes(like, cfg.compress)
    bytes = garbageBytes(rng, Math.max(OVERSIZE_MIN_BYTES, 4 * cap))
  }
  ctx.log.info('adversary: crafted delta', { kind, round: input.round, bytes: bytes.length })
  return storeBytes(ctx, bytes)
}
