import type { NamedTensor } from '../../shared/tensor.ts'

/** How one tensor of a checked model departs from the expected one. */
export type TensorDifference =
  | { name: string; kind: 'missing' | 'unexpected' }
  | { name: string; kind: 'shape'; expected: number[]; got: number[] }
  | {
      name: string
      kind: 'values'
      /** Elements whose float32 bits differ. */
      count: number
      /** The first such element (flat index), with both values. */
      index: number
      expected: number
      got: number
      maxAbsDiff: number
    }

/**
 * Every tensor of `got` that is not bit-for-bit the tensor of the same name in `expected` (float32 bits
 * are compared, so −0 and 0 differ, as they do in a CID), in `expected`'s order, then extra tensors.
 */
export function diffTensors(expected: readonly NamedTensor[], got: readonly NamedTensor[]): TensorDifference[] {
  const byName = new Map(got.map((t) => [t.name, t]))
  const out: TensorDifference[] = []
  for (const e of expected) {
    const g = byName.get(e.name)
    if (!g) {
      out.push({ name: e.name, kind: 'missing' })
      continue
    }
    if (e.shape.length !== g.shape.length || e.shape.some((d, i) => d !== g.shape[i])) {
      out.push({ name: e.name, kind: 'shape', expected: [...e.shape], got: [...g.shape] })
      continue
    }
    const diff = valueDiff(e.data, g.data)
    if (diff) out.push({ name: e.name, kind: 'values', ...diff })
  }
  const names = new Set(expected.map((t) => t.name))
  for (const g of got) if (!names.has(g.name)) out.push({ name: g.name, kind: 'unexpected' })
  return out
}

function valueDiff(a: Float32Array, b: Float32Array) {
  const ab = new Uint32Array(a.buffer, a.byteOffset, a.length)
  const bb = new Uint32Array(b.buffer, b.byteOffset, b.length)
  let count = 0
  let index = -1
  let maxAbsDiff = 0
  for (let i = 0; i < ab.length; i++) {
    if (ab[i] === bb[i]) continue
    count++
    if (index < 0) index = i
    const d = Math.abs(a[i] - b[i])
    if (!(d <= maxAbsDiff)) maxAbsDiff = d
  }
  return count === 0 ? undefined : { count, index, expected: a[index], got: b[index], maxAbsDiff }
}

/** One line per difference, for people. */
export function describeDifference(d: TensorDifference): string {
  switch (d.kind) {
    case 'missing':
      return `tensor "${d.name}" is missing`
    case 'unexpected':
      return `tensor "${d.name}" is not part of the model`
    case 'shape':
      return `tensor "${d.name}" has shape [${d.got}], expected [${d.expected}]`
    case 'values':
      return `tensor "${d.name}" differs in ${d.count} value(s); first at index ${d.index}: ${d.got} instead of ${d.expected} (max |Δ| ${d.maxAbsDiff})`
  }
}
