import { describe, expect, it } from 'vitest'
import { parseProof } from './deltaFile.ts'
import { decodeSnapshot, encodeSnapshot, maxSnapshotBytes } from './snapshotFile.ts'

const t = (name: string, values: number[]) => ({ name, shape: [values.length], data: new Float32Array(values) })
const shapes = [
  { name: 'a', shape: [2] },
  { name: 'b', shape: [1] },
]
const snap = {
  step: 4,
  t: 12,
  values: [t('a', [1, 2]), t('b', [3])],
  m: [t('a', [0.1, 0]), t('b', [0])],
  v: [t('a', [0.01, 0]), t('b', [0])],
}
const CID = 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy'

describe('snapshot files', () => {
  it('default: a snapshot decodes to what was encoded, within the size cap', () => {
    const bytes = encodeSnapshot(snap)
    expect(bytes.length).toBeLessThanOrEqual(maxSnapshotBytes(shapes))
    expect(decodeSnapshot(bytes, { shapes, step: 4, maxT: 16 })).toEqual(snap)
  })

  it('error: another step, more updates than the network ran, a negative second moment, a missing tensor', () => {
    const bytes = encodeSnapshot(snap)
    expect(() => decodeSnapshot(bytes, { shapes, step: 6, maxT: 16 })).toThrow(
      'Metadata "step" is "4"; "6" was expected.',
    )
    expect(() => decodeSnapshot(bytes, { shapes, step: 4, maxT: 8 })).toThrow(/12 updates exceed the 8/)
    const negative = encodeSnapshot({ ...snap, v: [t('a', [0.01, -1]), t('b', [0])] })
    expect(() => decodeSnapshot(negative, { shapes, step: 4, maxT: 16 })).toThrow(/second moment -1 at 1 is negative/)
    expect(() => decodeSnapshot(bytes, { shapes: [...shapes, { name: 'c', shape: [1] }], step: 4, maxT: 16 })).toThrow()
  })
})

describe('parseProof', () => {
  it('default: reads every, rebasedAt and the snapshot CIDs', () => {
    const text = JSON.stringify({ every: 2, rebasedAt: [3], snapshots: [CID, CID] })
    expect(parseProof(text)).toEqual({ every: 2, rebasedAt: [3], snapshots: [CID, CID] })
  })

  it('error: extra keys, a bad step list, a malformed CID, too few snapshots', () => {
    const bad = (o: unknown) => () => parseProof(JSON.stringify(o))
    expect(bad({ every: 2, rebasedAt: [], snapshots: [CID, CID], x: 1 })).toThrow(
      /exactly every, rebasedAt and snapshots/,
    )
    expect(bad({ every: 0, rebasedAt: [], snapshots: [CID, CID] })).toThrow(/every must be an integer/)
    expect(bad({ every: 2, rebasedAt: [3, 2], snapshots: [CID, CID] })).toThrow(/ascending/)
    expect(bad({ every: 2, rebasedAt: [], snapshots: [CID, 'no/slash'] })).toThrow(/malformed/)
    expect(bad({ every: 2, rebasedAt: [], snapshots: [CID] })).toThrow(/2–1025 CIDs/)
    expect(() => parseProof('{')).toThrow(/not JSON/)
  })
})
