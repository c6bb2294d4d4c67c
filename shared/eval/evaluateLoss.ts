import type { Tensor } from '@tensorflow/tfjs-core'
import type { Backend } from '../backend/index.ts'
import { checkParams, createModel, type ModelConfig, modelLoss, type Weights } from '../model/index.ts'
import { evalBatches, type Task } from '../tasks/index.ts'
import type { NamedTensor } from '../tensor.ts'

export type EvaluateLossParameters = {
  task: Task
  modelConfig: ModelConfig
  /** The full model, in spec order. */
  params: readonly NamedTensor[]
  /** The held-out pages to score on. */
  pages: readonly number[]
  backend: Backend
  /** Rows per batch (default: the task helper's); changes speed, not the result beyond rounding. */
  maxBatch?: number
}

/**
 * The mean cross-entropy of the model over every window (example) of the pages, cut as
 * evalBatches does: each batch's mean loss weighted by its rows, so a short last batch counts
 * for what it holds. Deterministic for a given backend.
 */
export async function evaluateLoss(p: EvaluateLossParameters): Promise<number> {
  const { tf } = p.backend
  const spec = createModel(p.task, p.modelConfig)
  checkParams(spec, p.params)
  const batches = evalBatches(p.task, p.pages, p.modelConfig.context, p.maxBatch)
  const weights: Weights = {}
  for (const t of p.params) weights[t.name] = tf.tensor(t.data, t.shape, 'float32')
  try {
    let sum = 0
    let rows = 0
    for (const b of batches) {
      const loss: Tensor = tf.tidy(() => modelLoss(tf, spec, weights, b))
      sum += (await loss.data())[0] * b.B
      loss.dispose()
      rows += b.B
    }
    return sum / rows
  } finally {
    for (const t of Object.values(weights)) t.dispose()
  }
}
