import { describe, expect, it } from 'vitest'
import { defaultConfig } from '../config/index.ts'
import type { ClassifyTask, LmTask } from '../tasks/index.ts'
import { createModel, paramCount } from './createModel.ts'
import { InvalidModelConfigError } from './errors.ts'
import { modelFlopsPerToken } from './flops.ts'
import { initParams } from './initParams.ts'

// Only the fields createModel reads: a model is sized by the vocabulary and the page length.
const lm = { kind: 'lm', vocabSize: 97, pageTokens: 512 } as LmTask
const digits = { kind: 'classify', inputSize: 784, classes: 10, pageTokens: 32 } as ClassifyTask

describe('createModel', () => {
  it('default: the default GPT has ~0.8 M parameters in a stable order', () => {
    const spec = createModel(lm, defaultConfig().model)
    expect(spec.kind).toBe('gpt')
    expect(paramCount(spec)).toBe(834_560)
    const names = spec.params.map((p) => p.name)
    expect(names.slice(0, 9)).toEqual([
      'wte',
      'wpe',
      'h.0.ln1.g',
      'h.0.ln1.b',
      'h.0.attn.qkv.w',
      'h.0.attn.qkv.b',
      'h.0.attn.proj.w',
      'h.0.attn.proj.b',
      'h.0.ln2.g',
    ])
    expect(names.slice(-3)).toEqual(['ln_f.g', 'ln_f.b', 'lm_head.w'])
    expect(spec.params.find((p) => p.name === 'h.0.attn.qkv.w')?.shape).toEqual([128, 384])
    expect(spec.params.filter((p) => p.decay).every((p) => p.shape.length === 2)).toBe(true)
    expect(modelFlopsPerToken(spec)).toBe(6 * (4 * 12 * 128 * 128 + 128 * 97) + 12 * 4 * 128 * 128)
  })

  it('behavior: an MLP for classification tasks, sized by model.hidden', () => {
    const spec = createModel(digits, { ...defaultConfig().model, hidden: 64 })
    expect(spec.params.map((p) => [p.name, p.shape])).toEqual([
      ['h.0.w', [784, 64]],
      ['h.0.b', [64]],
      ['head.w', [64, 10]],
      ['head.b', [10]],
    ])
  })

  it('error: heads that do not divide the width', () => {
    expect(() => createModel(lm, { ...defaultConfig().model, width: 130, heads: 4 })).toThrow(InvalidModelConfigError)
  })

  it('error: a context that does not fit a page', () => {
    const err = (() => {
      try {
        createModel(lm, { ...defaultConfig().model, context: 512 })
      } catch (e) {
        return e
      }
    })()
    expect(err).toBeInstanceOf(InvalidModelConfigError)
    expect((err as Error).message).toContain('task.pageTokens')
  })

  it('error: a zero-sized dimension', () => {
    expect(() => createModel(lm, { ...defaultConfig().model, layers: 0 })).toThrow(InvalidModelConfigError)
  })
})

describe('initParams', () => {
  const spec = createModel(lm, { ...defaultConfig().model, context: 16, width: 16, layers: 1, heads: 2 })

  it('default: the same seed gives the same bytes; LayerNorm starts at gain 1, bias 0', () => {
    const a = initParams(spec, 7)
    const b = initParams(spec, 7)
    expect(a.map((t) => Array.from(t.data))).toEqual(b.map((t) => Array.from(t.data)))
    expect(Array.from(a.find((t) => t.name === 'h.0.ln1.g')!.data).every((x) => x === 1)).toBe(true)
    expect(Array.from(a.find((t) => t.name === 'h.0.ln1.b')!.data).every((x) => x === 0)).toBe(true)
    const wte = a[0].data
    const std = Math.sqrt(wte.reduce((s, x) => s + x * x, 0) / wte.length)
    expect(std).toBeGreaterThan(0.015)
    expect(std).toBeLessThan(0.025)
  })

  it('behavior: another seed gives other weights', () => {
    expect(Array.from(initParams(spec, 1)[0].data)).not.toEqual(Array.from(initParams(spec, 2)[0].data))
  })
})
