import type { Backend } from '../backend/index.ts'
import type { CrowdtrainConfig } from '../config/index.ts'
import { createModel, initParams } from '../model/index.ts'
import type { FileEntry } from '../storage/index.ts'
import type { Task } from '../tasks/index.ts'
import type { NamedTensor } from '../tensor.ts'
import { buildCheckpointFiles } from './buildCheckpointFiles.ts'
import { reportLoss } from './reportLoss.ts'

/** Options of `genesisCheckpoint`. */
export type GenesisCheckpointOptions = { backend: Backend; netuid: number }

/** The genesis checkpoint: its files, θ_0, the zero momentum and its report loss. */
export type GenesisCheckpoint = {
  files: FileEntry[]
  params: NamedTensor[]
  momentum: NamedTensor[]
  reportLoss: number
}

/**
 * The genesis checkpoint (round −1, no parent, no deltas): the task model's seeded initialisation
 * (`initParams(spec, config.model.seed)`), zero outer momentum, and its loss on the report pages.
 */
export async function genesisCheckpoint(
  config: CrowdtrainConfig,
  task: Task,
  opts: GenesisCheckpointOptions,
): Promise<GenesisCheckpoint> {
  const spec = createModel(task, config.model)
  const params = initParams(spec, config.model.seed)
  const momentum = params.map((t) => ({ name: t.name, shape: [...t.shape], data: new Float32Array(t.data.length) }))
  const loss = await reportLoss(config, task, params, opts.backend)
  const files = buildCheckpointFiles({
    task,
    config,
    netuid: opts.netuid,
    round: -1,
    parent: null,
    params,
    momentum,
    deltas: [],
    reportLoss: loss,
  })
  return { files, params, momentum, reportLoss: loss }
}
