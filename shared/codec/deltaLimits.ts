import type { CrowdtrainConfig } from '../config/index.ts'
import type { DecodeDeltaExpect, ShapeSpec } from './decode.ts'
import { deltaLayout, layoutBytes } from './deltaLayout.ts'

/** Room for the safetensors header (JSON metadata with the tensor list) on top of the tensor bytes. */
const HEADER_ALLOWANCE = 64 * 1024

/**
 * The size of a delta file for a shard (format v2, `deltaLayout`: packed offsets, values and factors,
 * float32 scales) plus the header allowance. Fetching stops as soon as more is announced, so a miner
 * cannot make validators download gigabytes.
 */
export function maxDeltaBytes(
  shapes: readonly ShapeSpec[],
  compress: Pick<CrowdtrainConfig['compress'], 'rank' | 'density' | 'bits' | 'chunk'>,
): number {
  return HEADER_ALLOWANCE + layoutBytes(deltaLayout(shapes, compress), compress)
}

/** The error-feedback decay the norm bound assumes at most: a residual carried at β adds ≤ 1/(1 − β). */
const MAX_FEEDBACK_DECAY = 0.9

/**
 * The norm bound a delta must respect, from what honest training can produce: AdamW moves each
 * value by at most lr·(1 + weightDecay·|θ|) per step (Adam's normalised step is ≤ 1 when
 * 1 − β1 ≤ √(1 − β2), as with the defaults), so H steps of the shard's n values move at most
 * H·lr·√n; the carried residual, decayed by β each round, adds at most a factor 1/(1 − β); and
 * twice that covers the weight-decay term. Measured from genesis (round 0, fresh Adam, 3 miners):
 * default model, whole model as one shard, bound 329, honest deltas 13.6–14.5 (10.5–11.9 as sent,
 * largest single value 0.072 against H·lr = 0.09); tiny preset, S = 2, bound 22.6, honest 2.5–2.6.
 * The old bound was clipNorm × 1000 = 10,000.
 */
export function maxDeltaNorm(
  config: { train: Pick<CrowdtrainConfig['train'], 'innerSteps' | 'lr'> } & {
    compress: Pick<CrowdtrainConfig['compress'], 'feedbackDecay'>
  },
  shapes: readonly ShapeSpec[],
): number {
  const n = shapes.reduce((s, t) => s + t.shape.reduce((a, b) => a * b, 1), 0)
  const beta = Math.min(config.compress.feedbackDecay, MAX_FEEDBACK_DECAY)
  return (2 * config.train.innerSteps * Math.abs(config.train.lr) * Math.sqrt(n)) / (1 - beta)
}

/**
 * What a revealed delta must be, as every validator (and `checkpoint verify`) decodes it: the shard's
 * shapes, the size and norm caps above, and the subnet's task, round, shard, miner and compression.
 */
export function revealedDeltaExpect(p: {
  shapes: readonly ShapeSpec[]
  config: Pick<CrowdtrainConfig, 'task' | 'outer'> & {
    train: Pick<CrowdtrainConfig['train'], 'innerSteps' | 'lr'>
    compress: Pick<CrowdtrainConfig['compress'], 'rank' | 'density' | 'bits' | 'chunk' | 'feedbackDecay'>
  }
  round: number
  shard: number
  hotkey: string
}): DecodeDeltaExpect {
  return {
    shapes: p.shapes,
    maxBytes: maxDeltaBytes(p.shapes, p.config.compress),
    maxNorm: maxDeltaNorm(p.config, p.shapes),
    task: p.config.task.name,
    round: p.round,
    shard: p.shard,
    hotkey: p.hotkey,
    compress: p.config.compress,
  }
}
