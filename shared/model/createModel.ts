import type { CrowdtrainConfig } from '../config/index.ts'
import type { Task } from '../tasks/index.ts'
import { InvalidModelConfigError } from './errors.ts'

/** The model section of the config. */
export type ModelConfig = CrowdtrainConfig['model']

/** How one parameter starts: N(0, std²), all zeros or all ones. */
export type ParamInit = { kind: 'normal'; std: number } | { kind: 'zeros' } | { kind: 'ones' }

/** One parameter tensor of a model: its stable name, shape, initialiser, and whether AdamW decays it. */
export type ParamSpec = { name: string; shape: number[]; init: ParamInit; decay: boolean }

/** A decoder-only character transformer (nanoGPT style). */
export type GptSpec = {
  kind: 'gpt'
  vocabSize: number
  context: number
  width: number
  layers: number
  heads: number
  params: ParamSpec[]
}

/** A one-hidden-layer classifier (mnist-mlp). */
export type MlpSpec = { kind: 'mlp'; inputSize: number; hidden: number; classes: number; params: ParamSpec[] }

/** Everything needed to initialise, run and shard a model; plain data. */
export type ModelSpec = GptSpec | MlpSpec

const normal = (std: number): ParamInit => ({ kind: 'normal', std })
const ZEROS: ParamInit = { kind: 'zeros' }
const ONES: ParamInit = { kind: 'ones' }

/** Weight and bias of a linear layer; weights are stored [in, out] so the forward pass needs no transpose. */
function linear(name: string, nIn: number, nOut: number, std: number): ParamSpec[] {
  return [
    { name: `${name}.w`, shape: [nIn, nOut], init: normal(std), decay: true },
    { name: `${name}.b`, shape: [nOut], init: ZEROS, decay: false },
  ]
}

function layerNorm(name: string, width: number): ParamSpec[] {
  return [
    { name: `${name}.g`, shape: [width], init: ONES, decay: false },
    { name: `${name}.b`, shape: [width], init: ZEROS, decay: false },
  ]
}

function positiveInt(key: string, v: number): void {
  if (!Number.isSafeInteger(v) || v < 1)
    throw new InvalidModelConfigError(`model.${key} is ${v}.`, `Set model.${key} to a positive integer.`)
}

/**
 * GPT parameters, in their stable order: wte [V,C], wpe [T,C], per block h.i.{ln1, attn.qkv,
 * attn.proj, ln2, mlp.fc, mlp.proj}, ln_f, lm_head.w [C,V]. The head is untied from wte (no
 * transpose in the forward pass, and the embedding group stays one shard unit either way) and
 * has no bias, as in nanoGPT. Init as nanoGPT: N(0, 0.02), residual projections 0.02/√(2L).
 */
function gptSpec(vocabSize: number, cfg: ModelConfig): GptSpec {
  const { context: T, width: C, layers: L, heads } = cfg
  const residualStd = 0.02 / Math.sqrt(2 * L)
  const params: ParamSpec[] = [
    { name: 'wte', shape: [vocabSize, C], init: normal(0.02), decay: true },
    { name: 'wpe', shape: [T, C], init: normal(0.02), decay: true },
  ]
  for (let i = 0; i < L; i++) {
    params.push(
      ...layerNorm(`h.${i}.ln1`, C),
      ...linear(`h.${i}.attn.qkv`, C, 3 * C, 0.02),
      ...linear(`h.${i}.attn.proj`, C, C, residualStd),
      ...layerNorm(`h.${i}.ln2`, C),
      ...linear(`h.${i}.mlp.fc`, C, 4 * C, 0.02),
      ...linear(`h.${i}.mlp.proj`, 4 * C, C, residualStd),
    )
  }
  params.push(...layerNorm('ln_f', C), { name: 'lm_head.w', shape: [C, vocabSize], init: normal(0.02), decay: true })
  return { kind: 'gpt', vocabSize, context: T, width: C, layers: L, heads, params }
}

/** MLP parameters: h.0 (input → hidden, ReLU, He init) and head (hidden → classes). */
function mlpSpec(inputSize: number, classes: number, hidden: number): MlpSpec {
  const params = [
    ...linear('h.0', inputSize, hidden, Math.sqrt(2 / inputSize)),
    ...linear('head', hidden, classes, Math.sqrt(1 / hidden)),
  ]
  return { kind: 'mlp', inputSize, hidden, classes, params }
}

/** The model for a task, sized by the config; throws InvalidModelConfigError when they do not fit. */
export function createModel(task: Task, cfg: ModelConfig): ModelSpec {
  if (task.kind === 'classify') {
    positiveInt('hidden', cfg.hidden)
    return mlpSpec(task.inputSize, task.classes, cfg.hidden)
  }
  for (const key of ['context', 'width', 'layers', 'heads'] as const) positiveInt(key, cfg[key])
  if (cfg.width % cfg.heads !== 0) {
    throw new InvalidModelConfigError(
      `model.heads (${cfg.heads}) does not divide model.width (${cfg.width}).`,
      'Choose heads so that width / heads is an integer (e.g. width 128, heads 4).',
      { width: cfg.width, heads: cfg.heads },
    )
  }
  if (cfg.context + 1 > task.pageTokens) {
    throw new InvalidModelConfigError(
      `model.context (${cfg.context}) + 1 is larger than a page of ${task.pageTokens} tokens.`,
      `A training window never crosses a page: lower model.context or raise task.pageTokens to at least ${cfg.context + 1}.`,
      { context: cfg.context, pageTokens: task.pageTokens },
    )
  }
  return gptSpec(task.vocabSize, cfg)
}

/** Total number of scalar parameters. */
export function paramCount(spec: ModelSpec): number {
  return spec.params.reduce((n, p) => n + p.shape.reduce((a, b) => a * b, 1), 0)
}
