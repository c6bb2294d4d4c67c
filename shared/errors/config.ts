import { BaseError } from './BaseError.ts'

/** A config key that no field of the schema has. */
export class UnknownConfigKeyError extends BaseError {
  override name = 'UnknownConfigKeyError'
  constructor(key: string, known: readonly string[], source: string) {
    const near = known.filter((k) => k.toLowerCase().includes(key.toLowerCase().slice(0, 4)))
    super('config.unknown-key', `Unknown config key "${key}" in ${source}.`, {
      details: near.length > 0 ? `Did you mean: ${near.join(', ')}?` : `Known keys: ${known.join(', ')}`,
      meta: { key, source },
    })
  }
}

/** A config value of the wrong type or outside its range. */
export class InvalidConfigValueError extends BaseError {
  override name = 'InvalidConfigValueError'
  constructor(key: string, value: unknown, expected: string, source: string) {
    super('config.invalid-value', `Invalid value for "${key}" in ${source}: ${JSON.stringify(value)}.`, {
      details: `Expected ${expected}.`,
      meta: { key, source },
    })
  }
}

/** A config file that cannot be read or is not valid JSON. */
export class ConfigFileError extends BaseError {
  override name = 'ConfigFileError'
  constructor(path: string, reason: string, cause?: unknown) {
    super('config.file', `Cannot read config file ${path}: ${reason}.`, { cause, meta: { path } })
  }
}

/** A preset name that does not exist. */
export class UnknownPresetError extends BaseError {
  override name = 'UnknownPresetError'
  constructor(name: string, known: readonly string[]) {
    super('config.unknown-preset', `Unknown preset "${name}".`, { details: `Known presets: ${known.join(', ')}` })
  }
}
