export { type CrowdtrainConfig, configSchema } from './fields.ts'
export { applyOverrides, checkConsistency, checkValue, defaultConfig, loadConfigFile, parseConfig } from './parse.ts'
export { type PartialConfig, presetConfig, presets } from './presets.ts'
export { defaultsOf, describeField, type Field, fieldAt, keysOf, type Schema } from './schema.ts'
