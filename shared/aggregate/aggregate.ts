import type { NamedTensor } from '../tensor.ts'
import { InvalidAggregationInputError, TensorMismatchError } from './errors.ts'
import { axpy, div, norm, scale } from './float32.ts'

/** One accepted delta for a shard: its miner's uid, its consensus weight, and its dense tensors. */
export type WeightedDelta = { uid: number; weight: number; delta: readonly NamedTensor[] }

export type AggregateParameters = {
  /** The shard's current tensors θ_r (only this shard's). */
  params: readonly NamedTensor[]
  /** The shard's outer momentum (zeros at genesis), same names and shapes as params. */
  momentum: readonly NamedTensor[]
  /** Accepted deltas; any order (they are ranked, cut to topG and summed by ascending uid here). */
  deltas: readonly WeightedDelta[]
  /** Outer learning rate η. */
  lr: number
  /** Nesterov momentum μ. */
  momentumCoef: number
  /** At most this many deltas count, highest weight first, ties by lower uid. */
  topG: number
  /** Cap of the shard's clip norm (`shardClipNorm`: each delta scaled down to the lower median of the deltas' norms, at most this); 0: no cap. */
  clipNorm: number
}

export type AggregateReturnType = {
  params: NamedTensor[]
  momentum: NamedTensor[]
  /** The uids whose deltas were used, ascending, with their normalised float32 weights. */
  used: { uid: number; weight: number }[]
}

function checkAligned(ref: readonly NamedTensor[], other: readonly NamedTensor[], what: string): void {
  if (ref.length !== other.length)
    throw new TensorMismatchError(what, `expected ${ref.length} tensors, got ${other.length}`)
  ref.forEach((t, i) => {
    const o = other[i]
    if (o.name !== t.name || o.data.length !== t.data.length || o.shape.join(',') !== t.shape.join(',')) {
      throw new TensorMismatchError(what, `tensor ${i}: expected ${t.name}[${t.shape}], got ${o.name}[${o.shape}]`)
    }
  })
}

/** Ranks deltas by weight (desc, ties by uid asc), keeps topG with positive weight, returns them by ascending uid. */
export function selectTopG(deltas: readonly WeightedDelta[], topG: number): WeightedDelta[] {
  for (const d of deltas) {
    if (!Number.isFinite(d.weight) || d.weight < 0)
      throw new InvalidAggregationInputError(`weight of uid ${d.uid} is ${d.weight}`)
  }
  const uids = new Set(deltas.map((d) => d.uid))
  if (uids.size !== deltas.length) throw new InvalidAggregationInputError('a uid appears twice')
  return [...deltas]
    .filter((d) => d.weight > 0)
    .sort((a, b) => b.weight - a.weight || a.uid - b.uid)
    .slice(0, topG)
    .sort((a, b) => a.uid - b.uid)
}

/**
 * The deterministic checkpoint step for one shard (design.md §4): the consensus-weighted mean of the
 * accepted deltas (weights normalised first, each delta norm-clipped, summed in ascending uid order),
 * then an outer Nesterov step: m ← μ·m + d; θ ← θ + η·(d + μ·m). With no accepted delta d = 0
 * (momentum only). All in float32 with Math.fround, so every validator gets the same bytes.
 */
export function aggregateShard(p: AggregateParameters): AggregateReturnType {
  // Shapes, weights and order are checked once, by outerStep.
  const chosen = selectTopG(p.deltas, p.topG)
  let total = 0
  for (const c of chosen) total = Math.fround(total + Math.fround(c.weight))
  const used = chosen.map((c) => ({ uid: c.uid, weight: div(c.weight, total) }))
  return { ...outerStep({ ...p, deltas: chosen.map((c, k) => ({ ...c, weight: used[k].weight })) }), used }
}

/** The inputs of `outerStep`: deltas already chosen, with their normalised weights. */
export type OuterStepParameters = Pick<
  AggregateParameters,
  'params' | 'momentum' | 'lr' | 'momentumCoef' | 'clipNorm'
> & {
  /** By ascending uid, each weight normalised (a checkpoint manifest's `deltas` weights). */
  deltas: readonly WeightedDelta[]
}

/**
 * The second half of `aggregateShard`: each delta clipped and summed with its normalised weight in
 * ascending uid order, then the outer Nesterov step. A miner that follows the network rebuilds θ_{r+1}
 * with it from θ_r and the manifest's deltas and weights, bit for bit as the validators did.
 */
export function outerStep(p: OuterStepParameters): Pick<AggregateReturnType, 'params' | 'momentum'> {
  checkAligned(p.params, p.momentum, 'momentum does not match the shard')
  for (let k = 1; k < p.deltas.length; k++)
    if (p.deltas[k].uid <= p.deltas[k - 1].uid) throw new InvalidAggregationInputError('deltas not by ascending uid')
  const d = p.params.map((t) => new Float32Array(t.data.length))
  const norms = p.deltas.map((c) => {
    checkAligned(p.params, c.delta, `delta of uid ${c.uid} does not match the shard`)
    if (!Number.isFinite(c.weight) || c.weight < 0)
      throw new InvalidAggregationInputError(`weight of uid ${c.uid} is ${c.weight}`)
    return norm(c.delta.map((t) => t.data))
  })
  const cap = shardClipNorm(norms, p.clipNorm)
  for (const [k, c] of p.deltas.entries()) {
    const n = norms[k]
    const clip = cap > 0 && n > cap ? div(cap, n) : 1
    const w = Math.fround(c.weight * clip)
    c.delta.forEach((t, i) => {
      axpy(d[i], w, t.data)
    })
  }

  const mu = Math.fround(p.momentumCoef)
  const momentum = p.momentum.map((t, i) => {
    const m = new Float32Array(t.data)
    scale(m, mu)
    axpy(m, 1, d[i])
    return { name: t.name, shape: [...t.shape], data: m }
  })
  const params = p.params.map((t, i) => {
    const step = new Float32Array(d[i])
    axpy(step, mu, momentum[i].data)
    const theta = new Float32Array(t.data)
    axpy(theta, p.lr, step)
    return { name: t.name, shape: [...t.shape], data: theta }
  })
  return { params, momentum }
}

/**
 * The norm every delta of a shard is clipped to this round: the lower median of the deltas' norms,
 * at most the config's `clipNorm` (0 disables clipping, the median included). A delta inflated beyond what the others of its
 * shard carry is scaled back to the median, so its size buys neither score nor weight; with one
 * delta nothing is clipped. Validators take the median over the valid deltas they scored,
 * aggregation over the deltas it uses (design §4: float32 norms, exact selection).
 */
export function shardClipNorm(norms: readonly number[], clipNorm: number): number {
  if (clipNorm <= 0 || norms.length === 0) return clipNorm
  const sorted = [...norms].sort((a, b) => a - b)
  return Math.min(sorted[Math.floor((sorted.length - 1) / 2)], Math.fround(clipNorm))
}

/** θ + η·Δ for one delta: the step a validator evaluates, applied exactly as aggregation would (clipped). */
export function applyDelta(
  params: readonly NamedTensor[],
  delta: readonly NamedTensor[],
  lr: number,
  clipNorm: number,
): NamedTensor[] {
  checkAligned(params, delta, 'delta does not match the shard')
  const n = norm(delta.map((t) => t.data))
  const clip = clipNorm > 0 && n > clipNorm ? div(clipNorm, n) : 1
  const w = Math.fround(Math.fround(lr) * clip)
  return params.map((t, i) => {
    const out = new Float32Array(t.data)
    axpy(out, w, delta[i].data)
    return { name: t.name, shape: [...t.shape], data: out }
  })
}
