import type { Backend } from '../../shared/backend/index.ts'
import { reportLoss } from '../../shared/checkpoint/index.ts'
import type { CrowdtrainConfig } from '../../shared/config/index.ts'
import type { Logger } from '../../shared/logger/index.ts'
import { seedBytes } from '../../shared/random.ts'
import { planShards } from '../../shared/shards/index.ts'
import { type Task, trainingPages } from '../../shared/tasks/index.ts'
import type { NamedTensor } from '../../shared/tensor.ts'
import { trainShard } from '../../shared/train/index.ts'

/** The inputs of `trainSingleNode`. */
export type TrainSingleNodeParameters = {
  config: CrowdtrainConfig
  task: Task
  backend: Backend
  /** θ_0, in model order. */
  params: readonly NamedTensor[]
  /** AdamW steps of `config.train.batch` sequences; the schedule (warm-up, cosine) spans all of them. */
  steps: number
  seed: number
  logger: Logger
}

/**
 * The baseline: one node trains the whole model (one shard) with the miners' inner optimizer
 * (`trainShard`) for `steps` steps on every training page, and reports the report-split loss.
 */
export async function trainSingleNode(
  p: TrainSingleNodeParameters,
): Promise<{ loss: number; steps: number; tokens: number }> {
  const trained = await trainShard({
    task: p.task,
    modelConfig: p.config.model,
    params: p.params,
    plan: planShards(p.params, 1),
    shard: 0,
    pages: trainingPages(p.task),
    seed: seedBytes('crowdtrain/bench/single-node', p.seed),
    train: { ...p.config.train, innerSteps: p.steps },
    backend: p.backend,
    logger: p.logger,
  })
  const byName = new Map(trained.delta.map((d) => [d.name, d]))
  const params = p.params.map((t) => {
    const d = byName.get(t.name)
    const data = new Float32Array(t.data)
    if (d) for (let i = 0; i < data.length; i++) data[i] += d.data[i]
    return { name: t.name, shape: [...t.shape], data }
  })
  return { loss: await reportLoss(p.config, p.task, params, p.backend), steps: p.steps, tokens: trained.tokens }
}
