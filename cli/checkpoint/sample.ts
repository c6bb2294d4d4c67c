import { type Backend, initBackend } from '../../shared/backend/index.ts'
import type { CrowdtrainConfig } from '../../shared/config/index.ts'
import type { Logger } from '../../shared/logger/index.ts'
import { generate } from '../../shared/model/index.ts'
import type { Task } from '../../shared/tasks/index.ts'
import type { NamedTensor } from '../../shared/tensor.ts'
import { NotATextTaskError } from './errors.ts'

/** A checkpoint to sample from: its task, config and θ (from `--dir` or fetched for `--round`). */
export type SampleSource = { task: Task; config: CrowdtrainConfig; params: readonly NamedTensor[]; round: number }

/** The inputs of `sampleText`. */
export type SampleParameters = {
  prompt: string
  tokens: number
  temperature: number
  seed: number
  backend?: Backend
  logger: Logger
}

/**
 * `checkpoint sample`: continues `prompt` with `tokens` characters from the checkpoint's character GPT
 * (`generate`); the same seed, checkpoint and prompt give the same text. A non-text task is an error.
 */
export async function sampleText(source: SampleSource, p: SampleParameters): Promise<string> {
  if (source.task.kind !== 'lm') throw new NotATextTaskError(source.task.name)
  const backend = p.backend ?? (await initBackend(source.config.train.backend, p.logger))
  return generate({
    task: source.task,
    modelConfig: source.config.model,
    params: source.params,
    prompt: p.prompt,
    tokens: p.tokens,
    temperature: p.temperature,
    seed: p.seed,
    backend,
  })
}
