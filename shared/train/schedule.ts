/** The learning-rate settings: peak, floor ratio, warm-up and the steps the cosine spans. */
export type ScheduleConfig = { lr: number; minLrRatio: number; warmupSteps: number; decaySteps: number }

/**
 * The learning rate of global step `step` (0-based), as nanoGPT: linear warm-up to lr over
 * warmupSteps, then cosine decay from lr to lr·minLrRatio at step decaySteps, and the floor after.
 * PROTOCOL: a miner's step s of round r is global step r·H + s, and decaySteps = decayRounds·H, so
 * the network anneals once over its planned rounds as one training run does (docs/network.md).
 */
export function learningRate(cfg: ScheduleConfig, step: number): number {
  const { lr, minLrRatio, warmupSteps, decaySteps } = cfg
  if (step < warmupSteps) return (lr * (step + 1)) / (warmupSteps + 1)
  const span = Math.max(1, decaySteps - warmupSteps)
  const ratio = Math.min(1, (step - warmupSteps) / span)
  const minLr = lr * minLrRatio
  return minLr + 0.5 * (1 + Math.cos(Math.PI * ratio)) * (lr - minLr)
}

/** The schedule of a miner's inner loop: the config's train section with the cosine over decayRounds·H steps. */
export function roundSchedule(train: {
  lr: number
  minLrRatio: number
  warmupSteps: number
  innerSteps: number
  decayRounds: number
}): ScheduleConfig {
  return { ...train, decaySteps: train.decayRounds * train.innerSteps }
}
