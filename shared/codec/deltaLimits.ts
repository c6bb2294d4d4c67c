import type { CrowdtrainConfig } from '../config/index.ts'
import { sizeOf } from '../tensor.ts'
import type { DecodeDeltaExpect, ShapeSpec } from './decode.ts'
import { keptPerChunk } from './delta.ts'

/** Room for the safetensors header (JSON metadata with the tensor list) on top of the tensor bytes. */
const HEADER_ALLOWANCE = 64 * 1024

/**
 * The largest delta file an honest miner can produce for a shard: every chunk at its kept count,
 * 4-byte indices + 1-byte values, one 4-byte scale per chunk, plus the header allowance. Fetching
 * stops as soon as more is announced, so a miner cannot make validators download gigabytes.
 */
export function maxDeltaBytes(shapes: readonly ShapeSpec[], compress: CrowdtrainConfig['compress']): number {
  let bytes = HEADER_ALLOWANCE
  for (const s of shapes) {
    const n = sizeOf(s.shape)
    const chunks = Math.ceil(n / compress.chunk)
    for (let c = 0; c < chunks; c++)
      bytes += 5 * keptPerChunk(Math.min(compress.chunk, n - c * compress.chunk), compress.density)
    bytes += 4 * chunks
  }
  return bytes
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
  config: Pick<CrowdtrainConfig, 'task' | 'compress' | 'outer'>
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
