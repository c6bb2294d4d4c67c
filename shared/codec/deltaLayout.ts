import { indexBits, packedBytes } from './bitPack.ts'
import { type CompressOptions, isFactored, keptPerChunk } from './delta.ts'

/** One chunk of a top-k tensor: where it starts, its length, and how many values it keeps. */
export type ChunkLayout = { start: number; length: number; kept: number }

/** How one tensor of a shard is laid out in a delta file. */
export type TensorLayout =
  | { kind: 'factors'; rows: number; cols: number }
  | { kind: 'top-k'; size: number; chunks: ChunkLayout[] }

/** The layout of a whole delta file, from the shard's shapes and the settings alone (PROTOCOL). */
export type DeltaLayout = {
  tensors: TensorLayout[]
  /** Kept values of the top-k tensors (the `values` stream). */
  kept: number
  /** Offsets stored: kept values of chunks that do not keep all their values (the `indices` stream). */
  offsets: number
  /** One scale per top-k chunk. */
  chunks: number
  /** Values of all factors (the `factors` stream): Σ rank·(rows + cols). */
  factorValues: number
  /** One scale per factor column: 2·rank per factored tensor. */
  factorScales: number
}

/**
 * Where everything of a delta file is: every factored matrix (`isFactored`) has rank·(rows + cols)
 * factor values and 2·rank scales; every other tensor has one scale per chunk and keeps exactly
 * `keptPerChunk` values per chunk, with an offset stored only where a chunk keeps fewer than all.
 */
export function deltaLayout(shapes: readonly { shape: readonly number[] }[], opts: CompressOptions): DeltaLayout {
  const out: DeltaLayout = { tensors: [], kept: 0, offsets: 0, chunks: 0, factorValues: 0, factorScales: 0 }
  for (const { shape } of shapes) {
    if (isFactored(shape, opts.rank)) {
      out.tensors.push({ kind: 'factors', rows: shape[0], cols: shape[1] })
      out.factorValues += opts.rank * (shape[0] + shape[1])
      out.factorScales += 2 * opts.rank
      continue
    }
    const size = shape.reduce((a, b) => a * b, 1)
    const chunks: ChunkLayout[] = []
    for (let start = 0; start < size; start += opts.chunk) {
      const length = Math.min(opts.chunk, size - start)
      const kept = keptPerChunk(length, opts.density)
      chunks.push({ start, length, kept })
      out.kept += kept
      if (kept < length) out.offsets += kept
    }
    out.chunks += chunks.length
    out.tensors.push({ kind: 'top-k', size, chunks })
  }
  return out
}

/** Bytes of the packed streams and scales of a layout (the file without its header). */
export function layoutBytes(layout: DeltaLayout, opts: CompressOptions): number {
  return (
    packedBytes(layout.offsets, indexBits(opts.chunk)) +
    packedBytes(layout.kept, opts.bits) +
    4 * layout.chunks +
    packedBytes(layout.factorValues, opts.bits) +
    4 * layout.factorScales
  )
}
