import { compressDelta, type DeltaMeta, decodeDelta, encodeDelta, maxDeltaNorm } from '../../shared/codec/index.ts'
import type { CrowdtrainConfig } from '../../shared/config/index.ts'
import { createRng, type Rng } from '../../shared/random.ts'
import type { NamedTensor } from '../../shared/tensor.ts'

/** A shard's tensors with Gaussian values of standard deviation `std`. */
export function gaussianLike(
  like: readonly Pick<NamedTensor, 'name' | 'shape'>[],
  rng: Rng,
  std: number,
): NamedTensor[] {
  return like.map((t) => {
    const data = new Float32Array(t.shape.reduce((a, b) => a * b, 1))
    for (let i = 0; i < data.length; i++) data[i] = rng.normal() * std
    return { name: t.name, shape: [...t.shape], data }
  })
}

/** L2 norm of tensors (float64 sum). */
export function normOf(tensors: readonly NamedTensor[]): number {
  let s = 0
  for (const t of tensors) for (const x of t.data) s += x * x
  return Math.sqrt(s)
}

/** Tensors times a factor. */
export function scaled(tensors: readonly NamedTensor[], factor: number): NamedTensor[] {
  return tensors.map((t) => ({ ...t, data: t.data.map((x) => x * factor) }))
}

/** `n` random bytes: not a safetensors file at all. */
export function garbageBytes(rng: Rng, n: number): Uint8Array {
  const out = new Uint8Array(n)
  for (let i = 0; i < n; i++) out[i] = rng.int(256)
  return out
}

/** A well-formed delta file of the shard whose first chunk scale is NaN (every value of that chunk decodes non-finite). */
export function nanDeltaFile(
  like: readonly NamedTensor[],
  meta: DeltaMeta,
  compress: CrowdtrainConfig['compress'],
  rng: Rng,
): Uint8Array {
  const { compressed } = compressDelta(gaussianLike(like, rng, 0.01), undefined, compress)
  // The first scale of the first and the last tensor: a chunk scale, or a factor column's scale.
  const poison = (t: (typeof compressed.tensors)[number], x: number) => {
    if (t.factors) t.factors.pScales[0] = x
    else t.scales[0] = x
  }
  poison(compressed.tensors[0], Number.NaN)
  poison(compressed.tensors[compressed.tensors.length - 1], Number.POSITIVE_INFINITY)
  return encodeDelta(compressed, meta)
}

/** A well-formed delta file whose first tensor has one row too many. */
export function wrongShapeDeltaFile(
  like: readonly NamedTensor[],
  meta: DeltaMeta,
  compress: CrowdtrainConfig['compress'],
  rng: Rng,
): Uint8Array {
  const shapes = like.map((t, i) => ({
    name: t.name,
    shape: i === 0 ? [t.shape[0] + 1, ...t.shape.slice(1)] : t.shape,
  }))
  const { compressed } = compressDelta(gaussianLike(shapes, rng, 0.01), undefined, compress)
  return encodeDelta(compressed, meta)
}

/**
 * Random noise in place of training, with the norm of a large but allowed step (the aggregation's
 * clip norm after compression, or the decoder's norm bound where that is lower): it passes every
 * decode check and can only be judged by its effect.
 */
export function noiseDeltaFile(
  like: readonly NamedTensor[],
  meta: DeltaMeta,
  config: Pick<CrowdtrainConfig, 'compress' | 'outer' | 'train'>,
  rng: Rng,
): Uint8Array {
  const noise = gaussianLike(like, rng, 1)
  // The norm of what the file carries (kept values and factors alike), read back by the decoder.
  const first = encodeDelta(compressDelta(noise, undefined, config.compress).compressed, meta)
  const shapes = like.map((t) => ({ name: t.name, shape: t.shape }))
  const kept = decodeDelta(first, { shapes, maxBytes: first.length, maxNorm: Number.POSITIVE_INFINITY }).norm
  const target = Math.min(Math.max(config.outer.clipNorm, 1), 0.99 * maxDeltaNorm(config, shapes))
  const factor = target / Math.max(kept, 1e-12)
  return encodeDelta(compressDelta(scaled(noise, factor), undefined, config.compress).compressed, meta)
}

/** A seeded generator for one adversary's round. */
export function adversaryRng(kind: string, hotkey: string, round: number): Rng {
  return createRng(`crowdtrain/adversary/${kind}/${hotkey}/${round}`)
}
