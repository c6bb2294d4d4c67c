import { indexBits, packBits } from './bitPack.ts'
import { type CompressedDelta, type CompressedTensor, checkCompressOptions, quantMax } from './delta.ts'
import { type ChunkLayout, deltaLayout } from './deltaLayout.ts'
import { BadMetadataError, InvalidEncodeInputError, UnsupportedFormatError } from './errors.ts'
import { encodeSafetensors } from './safetensors.ts'

/** The `format` metadata value of a delta file, and the version this build writes and reads. */
export const DELTA_FORMAT = 'crowdtrain-delta'
export const DELTA_VERSION = '2'

/**
 * A delta's proof of training (docs/network.md "Proof of training"): the CIDs of the snapshots of
 * the shard's training state (`snapshotFile.ts`) before inner steps 0, every, 2·every, … and after
 * the last, and the steps before which the training moved onto a newer checkpoint.
 */
export type TrainingProof = { every: number; snapshots: string[]; rebasedAt: number[] }

/** Who made a delta, for which round and shard, from which checkpoint; with the proof of its training. */
export type DeltaMeta = {
  task: string
  round: number
  shard: number
  baseCid: string
  hotkey: string
  proof?: TrainingProof
}

/** The metadata read back from a delta file: `DeltaMeta` plus the compression settings and version. */
export type DecodedDeltaMeta = DeltaMeta & {
  version: string
  rank: number
  density: number
  bits: number
  chunk: number
}

/** The names of the three tensors of a delta file. */
export const DELTA_TENSORS = {
  indices: 'indices',
  values: 'values',
  scales: 'scales',
  factors: 'factors',
  factorScales: 'factor_scales',
} as const

const TEXT_MAX = 256
const ID_PATTERN = /^[A-Za-z0-9]{1,128}$/
const UINT_PATTERN = /^(0|[1-9][0-9]{0,14})$/

function hasControlChars(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c < 0x20 || c === 0x7f) return true
  }
  return false
}

function checkText(key: string, value: string): string {
  if (value.length === 0 || value.length > TEXT_MAX || hasControlChars(value)) {
    throw new BadMetadataError(key, `expected 1–${TEXT_MAX} printable characters`)
  }
  return value
}

function checkId(key: string, value: string): string {
  if (!ID_PATTERN.test(value)) throw new BadMetadataError(key, 'expected 1–128 letters and digits')
  return value
}

export function checkUint(key: string, value: string): number {
  if (!UINT_PATTERN.test(value))
    throw new BadMetadataError(key, `expected a non-negative integer, got ${JSON.stringify(value)}`)
  return Number(value)
}

/**
 * Lays a compressed delta out as one safetensors file (format v2, PROTOCOL; `deltaLayout` says where
 * everything is from the shapes and settings alone): `indices` (U8) packs the offset inside its
 * chunk of every kept top-k value in `indexBits(chunk)` bits (12 for 4096), ascending per chunk,
 * and only for chunks that keep fewer than all their values; `values` (U8) packs each kept value q
 * as q + qmax in `bits` bits; `scales` (F32) one per top-k chunk; `factors` (U8) packs every
 * factored matrix's P then Q (row-major) as q + qmax in `bits` bits; `factor_scales` (F32) the
 * rank scales of P's columns then Q's, per factored matrix. Bits go least significant first,
 * padding zero (`packBits`).
 */
export function encodeDelta(compressed: CompressedDelta, meta: DeltaMeta): Uint8Array {
  checkCompressOptions(compressed)
  const metadata = deltaMetadata(compressed, meta)
  const layout = deltaLayout(compressed.tensors, compressed)
  const qmax = quantMax(compressed.bits)
  const s: Streams = { offsets: [], values: [], scales: [], factors: [], factorScales: [] }
  compressed.tensors.forEach((t, i) => {
    const l = layout.tensors[i]
    if (l.kind === 'factors') {
      if (!t.factors)
        throw new InvalidEncodeInputError(`tensor "${t.name}" must be sent as rank-${compressed.rank} factors`)
      for (const v of t.factors.p) s.factors.push(v + qmax)
      for (const v of t.factors.q) s.factors.push(v + qmax)
      s.factorScales.push(...t.factors.pScales, ...t.factors.qScales)
    } else addTopK(s, t, l.chunks, qmax)
  })
  const fields = (v: number[], width: number) => packBits(v, width)
  const u8 = (name: string, data: Uint8Array) => ({ name, dtype: 'U8' as const, shape: [data.length], data })
  const f32 = (name: string, v: number[]) => ({
    name,
    dtype: 'F32' as const,
    shape: [v.length],
    data: new Float32Array(v),
  })
  return encodeSafetensors(
    [
      u8(DELTA_TENSORS.indices, fields(s.offsets, indexBits(compressed.chunk))),
      u8(DELTA_TENSORS.values, fields(s.values, compressed.bits)),
      f32(DELTA_TENSORS.scales, s.scales),
      u8(DELTA_TENSORS.factors, fields(s.factors, compressed.bits)),
      f32(DELTA_TENSORS.factorScales, s.factorScales),
    ],
    metadata,
  )
}

type Streams = { offsets: number[]; values: number[]; scales: number[]; factors: number[]; factorScales: number[] }

// Appends a top-k tensor's chunks: exactly `kept` entries each, offsets only where a chunk keeps fewer than all.
function addTopK(s: Streams, t: CompressedTensor, chunks: readonly ChunkLayout[], qmax: number): void {
  if (t.factors || t.scales.length !== chunks.length)
    throw new InvalidEncodeInputError(`tensor "${t.name}" has ${t.scales.length} scales for ${chunks.length} chunks`)
  let j = 0
  chunks.forEach((c, ci) => {
    for (let e = 0; e < c.kept; e++, j++) {
      const offset = t.indices[j] - c.start
      if (!(j < t.indices.length && offset >= 0 && offset < c.length) || (c.kept === c.length && offset !== e))
        throw new InvalidEncodeInputError(`chunk ${ci} of "${t.name}" does not keep exactly ${c.kept} values`)
      if (c.kept < c.length) s.offsets.push(offset)
      s.values.push(t.values[j] + qmax)
    }
    s.scales.push(t.scales[ci])
  })
  if (j !== t.indices.length)
    throw new InvalidEncodeInputError(`tensor "${t.name}" keeps ${t.indices.length} values, its chunks ${j}`)
}

function deltaMetadata(compressed: CompressedDelta, meta: DeltaMeta): Record<string, string> {
  for (const k of ['round', 'shard'] as const) {
    if (!Number.isSafeInteger(meta[k]) || meta[k] < 0)
      throw new InvalidEncodeInputError(`${k} ${meta[k]} is not an integer ≥ 0`)
  }
  const metadata: Record<string, string> = {
    format: DELTA_FORMAT,
    version: DELTA_VERSION,
    task: meta.task,
    round: String(meta.round),
    shard: String(meta.shard),
    base_cid: meta.baseCid,
    hotkey: meta.hotkey,
    rank: String(compressed.rank),
    density: String(compressed.density),
    bits: String(compressed.bits),
    chunk: String(compressed.chunk),
    tensors: JSON.stringify(compressed.tensors.map((t) => [t.name, t.shape])),
  }
  if (meta.proof)
    metadata.proof = JSON.stringify({
      every: meta.proof.every,
      rebasedAt: meta.proof.rebasedAt,
      snapshots: meta.proof.snapshots,
    })
  try {
    parseDeltaMetadata(metadata)
  } catch (err) {
    throw new InvalidEncodeInputError(err instanceof Error ? err.message : String(err))
  }
  return metadata
}

function need(metadata: Record<string, string>, key: string): string {
  const v = Object.hasOwn(metadata, key) ? metadata[key] : undefined
  if (typeof v !== 'string') throw new BadMetadataError(key, 'it is missing')
  return v
}

function parseTensorList(text: string): { name: string; shape: number[] }[] {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    throw new BadMetadataError('tensors', 'it is not JSON')
  }
  if (!Array.isArray(parsed)) throw new BadMetadataError('tensors', 'it is not a list')
  return parsed.map((e: unknown, i) => {
    const ok =
      Array.isArray(e) &&
      e.length === 2 &&
      typeof e[0] === 'string' &&
      Array.isArray(e[1]) &&
      e[1].length <= 16 &&
      e[1].every((d: unknown) => typeof d === 'number' && Number.isSafeInteger(d) && d >= 0)
    if (!ok) throw new BadMetadataError('tensors', `entry ${i} is not [name, shape]`)
    return { name: e[0] as string, shape: e[1] as number[] }
  })
}

/** Reads and checks the metadata of a delta file (format, version, fields, settings, tensor list). */
export function parseDeltaMetadata(metadata: Record<string, string>): {
  meta: DecodedDeltaMeta
  tensors: { name: string; shape: number[] }[]
} {
  const format = need(metadata, 'format')
  const version = need(metadata, 'version')
  if (format !== DELTA_FORMAT || version !== DELTA_VERSION) {
    throw new UnsupportedFormatError(`${format} v${version}`, `${DELTA_FORMAT} v${DELTA_VERSION}`)
  }
  const densityText = need(metadata, 'density')
  const density = Number(densityText)
  if (String(density) !== densityText)
    throw new BadMetadataError('density', `${JSON.stringify(densityText)} is not a number`)
  const bits = checkUint('bits', need(metadata, 'bits'))
  const chunk = checkUint('chunk', need(metadata, 'chunk'))
  const rank = checkUint('rank', need(metadata, 'rank'))
  try {
    checkCompressOptions({ rank, density, bits, chunk })
  } catch (err) {
    throw new BadMetadataError('rank/density/bits/chunk', err instanceof Error ? err.message : String(err))
  }
  const meta: DecodedDeltaMeta = {
    version,
    task: checkText('task', need(metadata, 'task')),
    round: checkUint('round', need(metadata, 'round')),
    shard: checkUint('shard', need(metadata, 'shard')),
    baseCid: checkId('base_cid', need(metadata, 'base_cid')),
    hotkey: checkId('hotkey', need(metadata, 'hotkey')),
    rank,
    density,
    bits,
    chunk,
  }
  if (Object.hasOwn(metadata, 'proof')) meta.proof = parseProof(metadata.proof)
  return { meta, tensors: parseTensorList(need(metadata, 'tensors')) }
}

const MAX_SNAPSHOTS = 1025
const MAX_REBASES = 4

/** Reads the `proof` field: exactly `every` (1–1024), `rebasedAt` (≤ 4 ascending steps), `snapshots` (CIDs). */
export function parseProof(text: string): TrainingProof {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    throw new BadMetadataError('proof', 'it is not JSON')
  }
  const o = parsed as Record<string, unknown>
  const keys = o && typeof o === 'object' && !Array.isArray(o) ? Object.keys(o).sort().join(',') : ''
  if (keys !== 'every,rebasedAt,snapshots')
    throw new BadMetadataError('proof', 'expected an object with exactly every, rebasedAt and snapshots')
  const uint = (x: unknown) => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0
  if (!uint(o.every) || (o.every as number) < 1 || (o.every as number) > 1024)
    throw new BadMetadataError('proof', 'every must be an integer from 1 to 1024')
  const rebasedAt = o.rebasedAt
  if (
    !Array.isArray(rebasedAt) ||
    rebasedAt.length > MAX_REBASES ||
    !rebasedAt.every((x, i) => uint(x) && (i === 0 || x > rebasedAt[i - 1]))
  )
    throw new BadMetadataError('proof', `rebasedAt must list at most ${MAX_REBASES} ascending steps`)
  const snapshots = o.snapshots
  if (!Array.isArray(snapshots) || snapshots.length < 2 || snapshots.length > MAX_SNAPSHOTS)
    throw new BadMetadataError('proof', `snapshots must list 2–${MAX_SNAPSHOTS} CIDs`)
  for (const c of snapshots)
    if (typeof c !== 'string' || !ID_PATTERN.test(c)) throw new BadMetadataError('proof', 'a snapshot CID is malformed')
  return { every: o.every as number, rebasedAt: rebasedAt as number[], snapshots: snapshots as string[] }
}
