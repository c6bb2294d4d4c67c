import { readFileSync } from 'node:fs'
import { ConfigFileError, InvalidConfigValueError, UnknownConfigKeyError } from '../errors/index.ts'
import { type CrowdtrainConfig, configSchema } from './fields.ts'
import { defaultsOf, describeField, type Field, fieldAt, isField, keysOf, type Schema } from './schema.ts'

/** Checks one value against its field; throws a typed error naming the key and what it expects. */
export function checkValue(field: Field, key: string, value: unknown, source: string): number | string | boolean {
  const bad = () => new InvalidConfigValueError(key, value, describeField(field), source)
  switch (field.kind) {
    case 'int':
    case 'number': {
      if (typeof value !== 'number' || !Number.isFinite(value)) throw bad()
      if (field.kind === 'int' && !Number.isInteger(value)) throw bad()
      if (field.min !== undefined && value < field.min) throw bad()
      if (field.max !== undefined && value > field.max) throw bad()
      return value
    }
    case 'boolean':
      if (typeof value !== 'boolean') throw bad()
      return value
    case 'string':
      if (typeof value !== 'string' || value.length === 0) throw bad()
      return value
    case 'enum':
      if (typeof value !== 'string' || !field.values.includes(value)) throw bad()
      return value
  }
}

function mergeInto(schema: Schema, target: Record<string, unknown>, input: unknown, prefix: string, source: string) {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new InvalidConfigValueError(prefix.slice(0, -1) || '(root)', input, 'an object', source)
  }
  for (const [k, v] of Object.entries(input)) {
    const node = Object.hasOwn(schema, k) ? schema[k] : undefined
    if (!node) throw new UnknownConfigKeyError(`${prefix}${k}`, keysOf(configSchema), source)
    if (isField(node)) target[k] = checkValue(node, `${prefix}${k}`, v, source)
    else mergeInto(node, target[k] as Record<string, unknown>, v, `${prefix}${k}.`, source)
  }
}

/**
 * Parses a (partial) config object over a base (the defaults unless given). Unknown keys and values
 * of the wrong type or range are typed errors naming the key.
 */
export function parseConfig(input: unknown, source = 'config', base?: CrowdtrainConfig): CrowdtrainConfig {
  const out = structuredClone(base ?? defaultConfig())
  mergeInto(configSchema, out as unknown as Record<string, unknown>, input, '', source)
  return checkConsistency(out, source)
}

/** Cross-field rules the per-field checks cannot express. */
export function checkConsistency(config: CrowdtrainConfig, source = 'config'): CrowdtrainConfig {
  const { width, heads } = config.model
  if (width % heads !== 0) {
    throw new InvalidConfigValueError('model.heads', heads, `a divisor of model.width (${width})`, source)
  }
  return config
}

/** The defaults of every field. */
export function defaultConfig(): CrowdtrainConfig {
  return defaultsOf(configSchema) as unknown as CrowdtrainConfig
}

/** Reads a JSON config file (a partial config) over a base. */
export function loadConfigFile(path: string, base?: CrowdtrainConfig): CrowdtrainConfig {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (err) {
    throw new ConfigFileError(
      path,
      (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : 'unreadable',
      err,
    )
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (err) {
    throw new ConfigFileError(path, `not valid JSON (${(err as Error).message})`, err)
  }
  return parseConfig(json, path, base)
}

function parseOverrideValue(field: Field, key: string, raw: string, source: string) {
  if (field.kind === 'int' || field.kind === 'number') {
    const n = raw.trim() === '' ? Number.NaN : Number(raw)
    return checkValue(field, key, Number.isNaN(n) ? raw : n, source)
  }
  if (field.kind === 'boolean') {
    if (raw === 'true' || raw === 'false') return raw === 'true'
    return checkValue(field, key, raw, source)
  }
  return checkValue(field, key, raw, source)
}

/** Applies `key=value` (or `--key=value`) overrides, e.g. `train.lr=0.001`. */
export function applyOverrides(config: CrowdtrainConfig, overrides: readonly string[]): CrowdtrainConfig {
  const out = structuredClone(config) as unknown as Record<string, Record<string, unknown>>
  for (const item of overrides) {
    const source = `override "${item}"`
    const eq = item.indexOf('=')
    const key = (eq < 0 ? item : item.slice(0, eq)).replace(/^--/, '')
    const field = fieldAt(configSchema, key)
    if (!field) throw new UnknownConfigKeyError(key, keysOf(configSchema), source)
    if (eq < 0) throw new InvalidConfigValueError(key, undefined, `key=value (${describeField(field)})`, source)
    const value = parseOverrideValue(field, key, item.slice(eq + 1), source)
    const [section, name] = key.split('.')
    out[section][name] = value
  }
  return checkConsistency(out as unknown as CrowdtrainConfig, 'overrides')
}
