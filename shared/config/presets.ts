import { UnknownPresetError } from '../errors/index.ts'
import type { CrowdtrainConfig } from './fields.ts'
import { parseConfig } from './parse.ts'
import { devnet } from './presets/devnet.ts'
import { laptop } from './presets/laptop.ts'
import { tiny } from './presets/tiny.ts'

/** A config with any subset of fields. */
export type PartialConfig = { [S in keyof CrowdtrainConfig]?: Partial<CrowdtrainConfig[S]> }

/** Named starting points; a preset is parsed like any config file. */
export const presets: Readonly<Record<string, PartialConfig>> = { devnet, laptop, tiny }

/** The config of a named preset (defaults plus the preset's fields). */
export function presetConfig(name: string): CrowdtrainConfig {
  if (!Object.hasOwn(presets, name)) throw new UnknownPresetError(name, Object.keys(presets))
  return parseConfig(presets[name], `preset ${name}`)
}
