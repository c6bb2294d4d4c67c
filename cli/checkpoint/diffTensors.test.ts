import { describe, expect, test } from 'vitest'
import type { NamedTensor } from '../../shared/tensor.ts'
import { describeDifference, diffTensors } from './diffTensors.ts'

const t = (name: string, values: number[], shape = [values.length]): NamedTensor => ({
  name,
  shape,
  data: Float32Array.from(values),
})

describe('diffTensors', () => {
  test('default: equal models have no difference', () => {
    expect(diffTensors([t('a', [1, 2]), t('b', [3])], [t('a', [1, 2]), t('b', [3])])).toEqual([])
  })

  test('behavior: names the tensor, how many values differ, and the first one', () => {
    const [d] = diffTensors([t('a', [1, 2]), t('b', [3, 4, 5])], [t('a', [1, 2]), t('b', [3, 4.5, 6])])
    expect(d).toEqual({ name: 'b', kind: 'values', count: 2, index: 1, expected: 4, got: 4.5, maxAbsDiff: 1 })
    expect(describeDifference(d)).toMatch(/^tensor "b" differs in 2 value\(s\); first at index 1: 4.5 instead of 4/)
  })

  test('behavior: bit differences count (−0 is not 0, NaN is not a number)', () => {
    expect(diffTensors([t('a', [0, 1])], [t('a', [-0, Number.NaN])])[0]).toMatchObject({ count: 2, index: 0 })
  })

  test('behavior: missing, unexpected and reshaped tensors', () => {
    const out = diffTensors([t('a', [1, 2]), t('b', [1])], [t('a', [1, 2], [2, 1]), t('c', [1])])
    expect(out.map((d) => `${d.kind}:${d.name}`)).toEqual(['shape:a', 'missing:b', 'unexpected:c'])
  })
})
