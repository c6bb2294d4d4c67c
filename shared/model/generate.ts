import type { Backend } from '../backend/index.ts'
import { createRng, type Seed } from '../random.ts'
import type { LmTask } from '../tasks/index.ts'
import type { NamedTensor } from '../tensor.ts'
import { createModel, type ModelConfig } from './createModel.ts'
import { InvalidModelConfigError } from './errors.ts'
import type { Weights } from './gpt.ts'
import { gptLogits } from './gpt.ts'
import { checkParams } from './modelLoss.ts'

export type GenerateParameters = {
  task: LmTask
  modelConfig: ModelConfig
  /** The full model, in spec order. */
  params: readonly NamedTensor[]
  prompt: string
  /** New tokens to produce. */
  tokens: number
  /** 0: always the most likely token; 1: the model's distribution. */
  temperature?: number
  /** Seeds the sampling: the same seed, model and prompt give the same text. */
  seed?: Seed
  backend: Backend
}

/** Picks a token id from logits: argmax at temperature 0, else a draw from softmax(logits / t). */
function pick(logits: Float32Array, temperature: number, u: number): number {
  let best = 0
  for (let i = 1; i < logits.length; i++) if (logits[i] > logits[best]) best = i
  if (temperature <= 0) return best
  const weights = Array.from(logits, (l) => Math.exp((l - logits[best]) / temperature))
  let r = u * weights.reduce((a, b) => a + b, 0)
  for (let i = 0; i < weights.length; i++) {
    r -= weights[i]
    if (r < 0) return i
  }
  return best
}

/** Continues `prompt` with `tokens` new tokens from the character GPT (`checkpoint sample`). */
export async function generate(p: GenerateParameters): Promise<string> {
  const { tf } = p.backend
  const spec = createModel(p.task, p.modelConfig)
  if (spec.kind !== 'gpt') throw new InvalidModelConfigError('sampling needs a language model.', 'Use an lm task.')
  checkParams(spec, p.params)
  const rng = createRng(p.seed ?? 0)
  const ids = Array.from(p.task.encode(p.prompt))
  if (ids.length === 0) ids.push(0)
  const weights: Weights = {}
  for (const t of p.params) weights[t.name] = tf.tensor(t.data, t.shape, 'float32')
  try {
    for (let n = 0; n < p.tokens; n++) {
      const window = ids.slice(-spec.context)
      const T = window.length
      const x = Int32Array.from(window)
      const logits = tf.tidy(() =>
        tf.slice(gptLogits(tf, spec, weights, { kind: 'lm', x, y: x, B: 1, T }), [T - 1, 0], [1, spec.vocabSize]),
      )
      const row = (await logits.data()) as Float32Array
      logits.dispose()
      ids.push(pick(row, p.temperature ?? 1, rng.next()))
    }
  } finally {
    for (const t of Object.values(weights)) t.dispose()
  }
  return p.task.decode(ids.slice(ids.length - p.tokens))
}
