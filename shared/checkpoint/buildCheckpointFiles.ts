import { encodeCheckpoint } from '../codec/index.ts'
import type { CrowdtrainConfig } from '../config/index.ts'
import { checkParams, createModel } from '../model/index.ts'
import { canonicalJson } from '../p2p/index.ts'
import type { FileEntry } from '../storage/index.ts'
import type { Task } from '../tasks/index.ts'
import type { NamedTensor } from '../tensor.ts'
import { InvalidCheckpointInputError } from './errors.ts'
import {
  CHECKPOINT_FILES,
  CHECKPOINT_VERSION,
  type CheckpointDelta,
  type CheckpointManifest,
  MODEL_FORMAT,
  manifestSchema,
  OUTER_STATE_FORMAT,
  roundLoss,
} from './manifest.ts'

/** The inputs of `buildCheckpointFiles`. */
export type BuildCheckpointParameters = {
  task: Task
  /** The subnet's whole config (saved in the manifest). */
  config: CrowdtrainConfig
  netuid: number
  /** The round whose settlement produced θ (−1 for genesis). */
  round: number
  /** CID of θ_r's checkpoint; null only for genesis. */
  parent: string | null
  /** θ: every parameter, in `initParams` order. */
  params: readonly NamedTensor[]
  /** Outer momentum, same names and shapes. */
  momentum: readonly NamedTensor[]
  /** The deltas folded in (any order; written by ascending uid). */
  deltas: readonly CheckpointDelta[]
  /** Report-split loss of θ (rounded to 1e-6 here). */
  reportLoss: number
}

/** The manifest object of a checkpoint, checked by the same schema readers use. */
export function buildManifest(p: Omit<BuildCheckpointParameters, 'params' | 'momentum'>): CheckpointManifest {
  const manifest = {
    v: CHECKPOINT_VERSION,
    task: p.task.name,
    config: p.config,
    round: p.round,
    parent: p.parent,
    deltas: [...p.deltas].sort((a, b) => a.uid - b.uid).map((d) => ({ ...d })),
    reportLoss: roundLoss(p.reportLoss),
    created: { netuid: p.netuid },
  }
  const parsed = manifestSchema.safeParse(manifest)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new InvalidCheckpointInputError(`manifest ${issue?.path.join('.') || '(root)'}: ${issue?.message}`)
  }
  return parsed.data
}

/**
 * The three files of a checkpoint directory (docs/network.md): model.safetensors, outer_state.safetensors
 * and manifest.json (canonical JSON). Deterministic: the same inputs give the same bytes, hence the same
 * CID under the one UnixFS profile. Tensors must be exactly the task model's (names, order, shapes).
 */
export function buildCheckpointFiles(p: BuildCheckpointParameters): FileEntry[] {
  const spec = createModel(p.task, p.config.model)
  try {
    checkParams(spec, p.params)
    checkParams(spec, p.momentum)
  } catch (err) {
    throw new InvalidCheckpointInputError((err as Error).message, err)
  }
  for (const t of [...p.params, ...p.momentum]) {
    if (!t.data.every(Number.isFinite)) throw new InvalidCheckpointInputError(`tensor "${t.name}" is not finite`)
  }
  const manifest = buildManifest(p)
  const meta = (format: string) => ({
    format,
    version: String(CHECKPOINT_VERSION),
    task: manifest.task,
    round: String(p.round),
  })
  return [
    { path: CHECKPOINT_FILES.model, content: encodeCheckpoint(p.params, meta(MODEL_FORMAT)) },
    { path: CHECKPOINT_FILES.outerState, content: encodeCheckpoint(p.momentum, meta(OUTER_STATE_FORMAT)) },
    { path: CHECKPOINT_FILES.manifest, content: new TextEncoder().encode(canonicalJson(manifest)) },
  ]
}
