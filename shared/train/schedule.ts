/** The inner-loop learning-rate settings (the train section of the config). */
export type ScheduleConfig = { lr: number; minLrRatio: number; warmupSteps: number; innerSteps: number }

/**
 * The learning rate of step `step` (0-based), as nanoGPT: linear warm-up to lr over
 * warmupSteps, then cosine decay from lr to lr·minLrRatio at the last of innerSteps steps.
 */
export function learningRate(cfg: ScheduleConfig, step: number): number {
  const { lr, minLrRatio, warmupSteps, innerSteps } = cfg
  if (step < warmupSteps) return (lr * (step + 1)) / (warmupSteps + 1)
  const span = Math.max(1, innerSteps - warmupSteps)
  const ratio = Math.min(1, (step - warmupSteps) / span)
  const minLr = lr * minLrRatio
  return minLr + 0.5 * (1 + Math.cos(Math.PI * ratio)) * (lr - minLr)
}
