import type { PartialConfig } from '../presets.ts'

/** A model and round small enough for CI: seconds per round on one core. */
export const tiny: PartialConfig = {
  task: { pageTokens: 64, pagesPerMiner: 16, evalPages: 4 },
  model: { context: 32, width: 32, layers: 2, heads: 2, hidden: 32 },
  train: { innerSteps: 8, batch: 4, warmupSteps: 1, lr: 5e-3 },
  outer: { topG: 8 },
  // Two shards (the default is one) so the tests cover shard rotation, per-shard state and aggregation.
  shards: { count: 2 },
  // Four segments of two steps: every segment of a first-batch-only miner mixes pages.
  proof: { every: 2 },
}
