import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { testDir } from '../../test/helpers/testDir.ts'
import { ConfigFileError, InvalidConfigValueError, UnknownConfigKeyError, UnknownPresetError } from '../errors/index.ts'
import { configSchema } from './fields.ts'
import { applyOverrides, defaultConfig, loadConfigFile, parseConfig } from './parse.ts'
import { presetConfig } from './presets.ts'
import { fieldAt, isField, keysOf } from './schema.ts'

describe('parseConfig', () => {
  test('default: every field has a default and a reason', () => {
    const config = defaultConfig()
    expect(config.task.name).toBe('moby-char')
    for (const key of keysOf(configSchema)) {
      const field = fieldAt(configSchema, key)
      expect(field && isField(field), key).toBe(true)
      expect(field?.reason.length, `${key} has a reason`).toBeGreaterThan(10)
    }
  })

  test('behavior: a partial object keeps the other defaults', () => {
    const config = parseConfig({ train: { lr: 0.01 } })
    expect(config.train.lr).toBe(0.01)
    expect(config.train.batch).toBe(defaultConfig().train.batch)
  })

  test('error: unknown keys name the key and suggest a near one', () => {
    expect(() => parseConfig({ train: { learningRate: 1 } })).toThrow(UnknownConfigKeyError)
    expect(() => parseConfig({ trian: {} })).toThrow(/Unknown config key "trian"/)
  })

  test('error: wrong types and ranges say what is expected', () => {
    expect(() => parseConfig({ train: { batch: '8' } })).toThrow(InvalidConfigValueError)
    expect(() => parseConfig({ train: { batch: 2.5 } })).toThrow(/Expected an integer/)
    expect(() => parseConfig({ train: { batch: 0 } })).toThrow(/≥ 1/)
    expect(() => parseConfig({ train: { backend: 'gpu' } })).toThrow(/one of wasm, tensorflow, cpu/)
    expect(() => parseConfig({ model: { width: 130, heads: 4 } })).toThrow(/divisor of model.width/)
    expect(() => parseConfig({ train: 3 })).toThrow(/an object/)
  })
})

describe('applyOverrides', () => {
  test('default: --key=value sets typed values', () => {
    const config = applyOverrides(defaultConfig(), ['--train.lr=0.002', 'shards.count=4', 'train.backend=cpu'])
    expect(config.train.lr).toBe(0.002)
    expect(config.shards.count).toBe(4)
    expect(config.train.backend).toBe('cpu')
  })

  test('error: unknown keys, missing values and wrong types', () => {
    expect(() => applyOverrides(defaultConfig(), ['--train.nope=1'])).toThrow(UnknownConfigKeyError)
    expect(() => applyOverrides(defaultConfig(), ['--train.lr'])).toThrow(InvalidConfigValueError)
    expect(() => applyOverrides(defaultConfig(), ['--train.batch=eight'])).toThrow(/Invalid value for "train.batch"/)
    expect(() => applyOverrides(defaultConfig(), ['--train.lr='])).toThrow(InvalidConfigValueError)
  })
})

describe('config files and presets', () => {
  test('default: a JSON file over the defaults', () => {
    const dir = testDir('ct-config-')
    const path = join(dir, 'c.json')
    writeFileSync(path, JSON.stringify({ shards: { count: 3 } }))
    expect(loadConfigFile(path).shards.count).toBe(3)
  })

  test('error: missing and malformed files', () => {
    const dir = testDir('ct-config-')
    expect(() => loadConfigFile(join(dir, 'none.json'))).toThrow(/no such file/)
    writeFileSync(join(dir, 'bad.json'), '{ nope')
    expect(() => loadConfigFile(join(dir, 'bad.json'))).toThrow(ConfigFileError)
  })

  test('behavior: presets parse like files; unknown presets are errors', () => {
    expect(presetConfig('tiny').model.width).toBeLessThan(defaultConfig().model.width)
    expect(() => presetConfig('huge')).toThrow(UnknownPresetError)
  })
})
