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

/** The norm bound a delta must respect: aggregation clips to clipNorm anyway, so it only refuses absurd files. */
export function maxDeltaNorm(outer: Pick<CrowdtrainConfig['outer'], 'clipNorm'>): number {
  return Math.max(1, outer.clipNorm) * 1000
}

/**
 * What a revealed delta must be, as every validator (and `checkpoint verify`) decodes it: the shard's
 * shapes, the size and norm caps above, and the subnet's task, round, shard, miner and compression.
 */
export function revealedDeltaExpect(p: {
  shapes: readonly ShapeSpec[]
  config: Pick<CrowdtrainConfig, 'task' | 'outer'> & {
    compress: Pick<CrowdtrainConfig['compress'], 'rank' | 'density' | 'bits' | 'chunk'>
  }
  round: number
  shard: number
  hotkey: string
}): DecodeDeltaExpect {
  return {
    shapes: p.shapes,
    maxBytes: maxDeltaBytes(p.shapes, p.config.compress),
    maxNorm: maxDeltaNorm(p.config.outer),
    task: p.config.task.name,
    round: p.round,
    shard: p.shard,
    hotkey: p.hotkey,
    compress: p.config.compress,
  }
}
