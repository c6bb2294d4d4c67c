import type { PartialConfig } from '../presets.ts'

/** The defaults: a ~0.8 M parameter character GPT that trains on 2 CPU cores. */
export const laptop: PartialConfig = {}
