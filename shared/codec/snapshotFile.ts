import type { NamedTensor } from '../tensor.ts'
import { decodeCheckpoint, type ShapeSpec } from './decode.ts'
import { checkUint } from './deltaFile.ts'
import { BadMetadataError, InvalidEncodeInputError, MetadataMismatchError, UnsupportedFormatError } from './errors.ts'
import { encodeSafetensors } from './safetensors.ts'

/** The `format` and `version` metadata of a training snapshot file (PROTOCOL). */
export const SNAPSHOT_FORMAT = 'crowdtrain-train-state'
export const SNAPSHOT_VERSION = '1'

/** A shard's training state before inner step `step`: values and AdamW moments after `t` updates in all. */
export type SnapshotTensors = {
  step: number
  t: number
  values: NamedTensor[]
  m: NamedTensor[]
  v: NamedTensor[]
}

// Tensor names in the file: each of the shard's tensors three times, one prefix per part.
const PARTS = [
  ['values', 'value:'],
  ['m', 'm:'],
  ['v', 'v:'],
] as const
const HEADER_ALLOWANCE = 64 * 1024

/** The most bytes a snapshot of these tensors can take: three float32 copies and the header allowance. */
export function maxSnapshotBytes(shapes: readonly ShapeSpec[]): number {
  const n = shapes.reduce((s, t) => s + t.shape.reduce((a, b) => a * b, 1), 0)
  return HEADER_ALLOWANCE + 12 * n
}

/**
 * One safetensors file (PROTOCOL): `value:<name>`, `m:<name>`, `v:<name>` as F32 for every trained
 * tensor, in the shard's order; metadata `format`, `version`, `step`, `t`.
 */
export function encodeSnapshot(s: SnapshotTensors): Uint8Array {
  if (!Number.isSafeInteger(s.step) || s.step < 0 || !Number.isSafeInteger(s.t) || s.t < 0)
    throw new InvalidEncodeInputError(`snapshot step ${s.step} and count ${s.t} must be integers ≥ 0`)
  const tensors = PARTS.flatMap(([part, prefix]) =>
    s[part].map((t) => ({ name: prefix + t.name, dtype: 'F32' as const, shape: [...t.shape], data: t.data })),
  )
  return encodeSafetensors(tensors, {
    format: SNAPSHOT_FORMAT,
    version: SNAPSHOT_VERSION,
    step: String(s.step),
    t: String(s.t),
  })
}

/**
 * Decodes a snapshot strictly: size cap, exactly the shard's three sets of tensors as finite F32 of
 * the right shapes, second moments ≥ 0, the expected step, and an update count `t` of at most
 * `maxT` (the steps the network has run by then). Tensors come back in `shapes` order.
 */
export function decodeSnapshot(
  bytes: Uint8Array,
  expect: { shapes: readonly ShapeSpec[]; step: number; maxT: number },
): SnapshotTensors {
  const shapes = PARTS.flatMap(([, prefix]) => expect.shapes.map((s) => ({ name: prefix + s.name, shape: s.shape })))
  const { meta, tensors } = decodeCheckpoint(bytes, { shapes, maxBytes: maxSnapshotBytes(expect.shapes) })
  const format = meta.format ?? ''
  const version = meta.version ?? ''
  if (format !== SNAPSHOT_FORMAT || version !== SNAPSHOT_VERSION)
    throw new UnsupportedFormatError(`${format} v${version}`, `${SNAPSHOT_FORMAT} v${SNAPSHOT_VERSION}`)
  const step = checkUint('step', meta.step ?? '')
  if (step !== expect.step) throw new MetadataMismatchError('step', String(step), String(expect.step))
  const t = checkUint('t', meta.t ?? '')
  if (t > expect.maxT) throw new BadMetadataError('t', `${t} updates exceed the ${expect.maxT} the network has run`)
  const n = expect.shapes.length
  const part = (i: number) => tensors.slice(i * n, (i + 1) * n).map((x, j) => ({ ...x, name: expect.shapes[j].name }))
  const v = part(2)
  for (const x of v) {
    const bad = x.data.findIndex((y) => y < 0)
    if (bad >= 0) throw new BadMetadataError(`v:${x.name}`, `second moment ${x.data[bad]} at ${bad} is negative`)
  }
  return { step, t, values: part(0), m: part(1), v }
}
