import type { CrowdtrainConfig } from '../config/index.ts'
import { DataBudgetError } from './errors.ts'
import { trainingPages } from './pages.ts'
import type { Task } from './types.ts'

/** What checkDataBudget measured, for logs and the subnet document. */
export type DataBudget = {
  /** Units (tokens or examples) a miner's pages hold: J·P. */
  assignedUnits: number
  /** Units one round of inner steps consumes: H·batch·context (H·batch for classification). */
  consumedUnits: number
  trainingPages: number
}

/**
 * Checks that a config can train on a task without the failure of design §3: a miner's J pages
 * must hold at least the units of its H inner steps (else it overfits them and its delta raises
 * the loss elsewhere), an LM window (context + 1) must fit a page, and the training split must
 * hold one miner's pages plus a validator's eval pages. Throws DataBudgetError saying what to change.
 */
export function checkDataBudget(config: CrowdtrainConfig, task: Task): DataBudget {
  const J = config.task.pagesPerMiner
  const P = task.pageTokens
  const { innerSteps: H, batch } = config.train
  const context = config.model.context
  const lm = task.kind === 'lm'
  const unit = lm ? 'tokens' : 'examples'
  const pageKey = lm ? 'task.pageTokens' : 'task.pageExamples'
  const meta = { task: task.name, J, P, H, batch, context }

  if (lm && context + 1 > P) {
    throw new DataBudgetError(
      `A training window of ${context + 1} tokens (model.context ${context} + 1) does not fit a page of ${P} tokens.`,
      `Raise task.pageTokens to at least ${context + 1}, or lower model.context.`,
      meta,
    )
  }
  const assignedUnits = J * P
  const consumedUnits = lm ? H * batch * context : H * batch
  if (assignedUnits < consumedUnits) {
    const need = Math.ceil(consumedUnits / P)
    throw new DataBudgetError(
      `Each miner gets ${J} pages × ${P} ${unit} = ${assignedUnits} ${unit}, fewer than the ${consumedUnits} its ` +
        `${H} inner steps consume (train.innerSteps × train.batch${lm ? ' × model.context' : ''}); it would overfit its pages.`,
      `Raise task.pagesPerMiner to at least ${need} (or ${pageKey}), or lower train.innerSteps or train.batch.`,
      { ...meta, assignedUnits, consumedUnits },
    )
  }
  const pages = trainingPages(task).length
  const need = J + config.task.evalPages
  if (pages < need) {
    throw new DataBudgetError(
      `Task ${task.name} has ${pages} training pages, fewer than one miner's ${J} plus ${config.task.evalPages} eval pages.`,
      `Use a larger dataset, or lower task.pagesPerMiner, task.evalPages or ${pageKey}.`,
      { ...meta, trainingPages: pages },
    )
  }
  return { assignedUnits, consumedUnits, trainingPages: pages }
}
