import type { Backend } from '../../shared/backend/index.ts'
import { reportLoss } from '../../shared/checkpoint/index.ts'
import type { CrowdtrainConfig } from '../../shared/config/index.ts'
import type { Logger } from '../../shared/logger/index.ts'
import { seedBytes } from '../../shared/random.ts'
import { planShards } from '../../shared/shards/index.ts'
import { type Task, trainingPages } from '../../shared/tasks/index.ts'
import type { NamedTensor } from '../../shared/tensor.ts'
import { type OptimizerState, trainShard } from '../../shared/train/index.ts'

/** The inputs of `trainSingleNode`. */
export type TrainSingleNodeParameters = {
  config: CrowdtrainConfig
  task: Task
  backend: Backend
  /** θ_0, in model order. */
  params: readonly NamedTensor[]
  /** AdamW steps between two loss measurements (one network round's worth of tokens). */
  stepsPerRound: number
  rounds: number
  /** Sequences per step: the config's batch for one node, M × batch for M data-parallel workers. */
  batch: number
  /** Names the run in its batch seed, so two baselines never draw the same batches. */
  name: string
  seed: number
  logger: Logger
}

/** What a baseline measured: the report-split loss after every round's worth of steps. */
export type TrainSingleNodeReturnType = { loss: number; lossByRound: number[]; steps: number; tokens: number }

/**
 * A baseline: one optimizer trains the whole model (one shard) with the miners' inner optimizer
 * (`trainShard`) on every training page, for `rounds × stepsPerRound` steps under one warm-up +
 * cosine schedule spanning all of them, and reports the report-split loss after every round's
 * worth of steps. With batch M·B it is synchronous data-parallel training of M workers (the
 * gradient of M·B sequences is the mean of M workers' gradients, as an all-reduce gives).
 */
export async function trainSingleNode(p: TrainSingleNodeParameters): Promise<TrainSingleNodeReturnType> {
  const plan = planShards(p.params, 1)
  const pages = trainingPages(p.task)
  const train = { ...p.config.train, batch: p.batch, innerSteps: p.stepsPerRound, decayRounds: p.rounds }
  let params = p.params.map((t) => ({ ...t, shape: [...t.shape], data: new Float32Array(t.data) }))
  let optimizerState: OptimizerState | undefined
  const lossByRound: number[] = []
  let tokens = 0
  for (let r = 0; r < p.rounds; r++) {
    const trained = await trainShard({
      ...{ task: p.task, modelConfig: p.config.model, params, plan, shard: 0, pages, train, optimizerState },
      seed: seedBytes(`crowdtrain/bench/${p.name}`, p.seed, r),
      firstStep: r * p.stepsPerRound,
      backend: p.backend,
      logger: p.logger,
    })
    optimizerState = trained.optimizerState
    tokens += trained.tokens
    const byName = new Map(trained.delta.map((d) => [d.name, d]))
    params = params.map((t) => {
      const d = byName.get(t.name)
      const data = new Float32Array(t.data)
      if (d) for (let i = 0; i < data.length; i++) data[i] += d.data[i]
      return { name: t.name, shape: t.shape, data }
    })
    lossByRound.push(await reportLoss(p.config, p.task, params, p.backend))
    p.logger.info(`${p.name} round`, { round: r, loss: lossByRound[r] })
  }
  return { loss: lossByRound[lossByRound.length - 1], lossByRound, steps: p.rounds * p.stepsPerRound, tokens }
}
