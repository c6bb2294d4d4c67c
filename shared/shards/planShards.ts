import type { NamedTensor } from '../tensor.ts'
import { sizeOf } from '../tensor.ts'
import { ShardOutOfRangeError, ShardPlanMismatchError } from './errors.ts'

/** One shard: the groups it holds, its tensor names in model order, and its parameter count. */
export type Shard = { index: number; groups: string[]; names: string[]; size: number }

/** How a model's parameters are cut into S shards. */
export type ShardPlan = { count: number; shards: Shard[] }

/** The shard unit a tensor belongs to: transformer block `h.<i>`, or `embed` for everything else. */
export function groupOf(name: string): string {
  const m = /^h\.(\d+)\./.exec(name)
  return m ? `h.${m[1]}` : 'embed'
}

/**
 * Cuts parameters into S shards along tensor boundaries, balanced by parameter count.
 * Units: `embed` (embeddings, final LayerNorm and head; an MLP's output layer) then each block
 * `h.0`, `h.1`, … in model order. Algorithm (longest-processing-time first, deterministic):
 * sort units by size, largest first, ties in model order; put each on the shard with the fewest
 * parameters so far, ties to the lowest index. No shard is empty because S ≤ number of units.
 */
export function planShards(params: readonly { name: string; shape: readonly number[] }[], S: number): ShardPlan {
  const units: { group: string; size: number; order: number }[] = []
  const byGroup = new Map<string, { group: string; size: number; order: number }>()
  for (const p of params) {
    const g = groupOf(p.name)
    let u = byGroup.get(g)
    if (!u) {
      u = { group: g, size: 0, order: units.length }
      byGroup.set(g, u)
      units.push(u)
    }
    u.size += sizeOf(p.shape)
  }
  if (!Number.isSafeInteger(S) || S < 1 || S > units.length) {
    throw new ShardOutOfRangeError(
      `Cannot cut the model into ${S} shards: it has ${units.length} shard units (${units.map((u) => u.group).join(', ')}).`,
      `Set shards.count between 1 and ${units.length}, or add layers.`,
      { count: S, units: units.length },
    )
  }
  const shards: Shard[] = Array.from({ length: S }, (_, index) => ({ index, groups: [], names: [], size: 0 }))
  const sorted = [...units].sort((a, b) => b.size - a.size || a.order - b.order)
  const owner = new Map<string, number>()
  for (const u of sorted) {
    let best = 0
    for (let k = 1; k < S; k++) if (shards[k].size < shards[best].size) best = k
    shards[best].size += u.size
    owner.set(u.group, best)
  }
  for (const u of units) shards[owner.get(u.group)!].groups.push(u.group)
  for (const p of params) shards[owner.get(groupOf(p.name))!].names.push(p.name)
  return { count: S, shards }
}

/** Throws ShardOutOfRangeError unless k is a shard index of the plan. */
export function checkShardIndex(plan: ShardPlan, k: number): void {
  if (!Number.isSafeInteger(k) || k < 0 || k >= plan.count) {
    throw new ShardOutOfRangeError(
      `Shard ${k} does not exist: the plan has ${plan.count} shards.`,
      `Use a shard index in [0, ${plan.count}).`,
      {
        shard: k,
        count: plan.count,
      },
    )
  }
}

/** The tensors of shard k, in model order (the same objects, not copies). */
export function shardTensors(params: readonly NamedTensor[], plan: ShardPlan, k: number): NamedTensor[] {
  checkShardIndex(plan, k)
  const names = new Set(plan.shards[k].names)
  const out = params.filter((p) => names.has(p.name))
  if (out.length !== names.size) {
    const have = new Set(out.map((p) => p.name))
    const missing = [...names].filter((n) => !have.has(n))
    throw new ShardPlanMismatchError(`shard ${k} needs ${missing.join(', ')}, not given.`, { shard: k, missing })
  }
  return out
}
