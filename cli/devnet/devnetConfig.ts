import {
  applyOverrides,
  type CrowdtrainConfig,
  type PartialConfig,
  parseConfig,
  presets,
} from '../../shared/config/index.ts'
import { UnknownPresetError } from '../../shared/errors/index.ts'

/** The inputs of `devnetConfig`. */
export type DevnetConfigParameters = {
  /** A preset for the model and training (`laptop`, the defaults; `tiny` for CI). */
  preset: string
  /** The task (`moby-char`...); overrides the preset's. */
  task?: string
  /** `key=value` overrides, applied last. */
  sets?: readonly string[]
  /** Rounds the devnet runs: the inner schedule anneals over them (`train.decayRounds`) unless set. */
  rounds?: number
}

/**
 * Rounds before the devnet's first counted one: participants register during round 0, so the
 * first round they train is usually 1 (the schedule counts rounds from the subnet's round 0).
 */
export const DEVNET_LEAD_ROUNDS = 1

/**
 * The devnet's config: the `devnet` preset's short round clock, then the chosen preset (model,
 * training; its own round fields win), then the task, the schedule annealed over the devnet's own
 * rounds, then `--set` overrides.
 */
export function devnetConfig(p: DevnetConfigParameters): CrowdtrainConfig {
  if (!Object.hasOwn(presets, p.preset)) throw new UnknownPresetError(p.preset, Object.keys(presets))
  const merged: PartialConfig = {}
  for (const layer of [
    presets.devnet,
    presets[p.preset],
    p.task ? { task: { name: p.task } } : {},
    p.rounds ? { train: { decayRounds: p.rounds + DEVNET_LEAD_ROUNDS } } : {},
  ] as PartialConfig[]) {
    for (const [section, fields] of Object.entries(layer)) {
      const key = section as keyof CrowdtrainConfig
      merged[key] = { ...merged[key], ...fields } as never
    }
  }
  return applyOverrides(parseConfig(merged, `preset ${p.preset} for the devnet`), p.sets ?? [])
}
