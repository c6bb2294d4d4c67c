import type { Backend } from '../backend/index.ts'
import type { CrowdtrainConfig } from '../config/index.ts'
import { evaluateLoss } from '../eval/index.ts'
import { reportPages, type Task } from '../tasks/index.ts'
import type { NamedTensor } from '../tensor.ts'
import { roundLoss } from './manifest.ts'

/**
 * Report pages a checkpoint's `reportLoss` is measured on: the first N of the report split, ascending.
 * Bounded so that every validator (which measures it to build the same manifest) and `checkpoint verify`
 * spend seconds, not minutes: 16 pages of 512 tokens are ~8 k tokens, enough to see a trend.
 */
export const REPORT_LOSS_PAGES = 16

/** The pages `reportLoss` evaluates: the first REPORT_LOSS_PAGES report pages of the task. */
export function reportLossPages(task: Task): number[] {
  return reportPages(task).slice(0, REPORT_LOSS_PAGES)
}

/**
 * The report-split loss of θ, rounded to 1e-6 — the figure in checkpoint manifests and round ledgers.
 * Every validator must get the same number, so all use the same backend kind (the rounding absorbs
 * nothing at a rounding boundary: a disagreement shows as a different checkpoint CID and is refused).
 */
export async function reportLoss(
  config: CrowdtrainConfig,
  task: Task,
  params: readonly NamedTensor[],
  backend: Backend,
): Promise<number> {
  const loss = await evaluateLoss({ task, modelConfig: config.model, params, pages: reportLossPages(task), backend })
  return roundLoss(loss)
}
