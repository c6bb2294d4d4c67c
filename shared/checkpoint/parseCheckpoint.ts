import { CodecError, DEFAULT_MAX_HEADER_BYTES, decodeCheckpoint } from '../codec/index.ts'
import type { CrowdtrainConfig } from '../config/index.ts'
import { createModel, paramCount } from '../model/index.ts'
import { canonicalJson } from '../p2p/index.ts'
import type { FileEntry } from '../storage/index.ts'
import type { Task } from '../tasks/index.ts'
import type { NamedTensor } from '../tensor.ts'
import { CheckpointTooLargeError, InvalidCheckpointError } from './errors.ts'
import {
  CHECKPOINT_FILES,
  CHECKPOINT_VERSION,
  type CheckpointManifest,
  MAX_MANIFEST_BYTES,
  MODEL_FORMAT,
  manifestSchema,
  OUTER_STATE_FORMAT,
} from './manifest.ts'

/** What a reader expects: the subnet's config and task (for shapes), and an optional tensor-file cap. */
export type ParseCheckpointOptions = {
  config: CrowdtrainConfig
  task: Task
  /** Largest tensor file accepted (default: float32 of the model plus the header cap). */
  maxBytes?: number
}

/** A parsed checkpoint: its manifest, θ and the outer momentum (both in `initParams` order). */
export type ParsedCheckpoint = { manifest: CheckpointManifest; params: NamedTensor[]; momentum: NamedTensor[] }

/** The default cap of one tensor file: every parameter as float32, plus the safetensors header cap. */
export function defaultCheckpointMaxBytes(config: CrowdtrainConfig, task: Task): number {
  return 4 * paramCount(createModel(task, config.model)) + 8 + DEFAULT_MAX_HEADER_BYTES
}

const decoder = new TextDecoder('utf-8', { fatal: true })

/** Parses manifest.json strictly: size cap, UTF-8 JSON, the schema, the subnet's task and whole config. */
export function parseManifest(bytes: Uint8Array, opts: ParseCheckpointOptions): CheckpointManifest {
  if (bytes.byteLength > MAX_MANIFEST_BYTES)
    throw new CheckpointTooLargeError(CHECKPOINT_FILES.manifest, bytes.byteLength, MAX_MANIFEST_BYTES)
  let json: unknown
  try {
    json = JSON.parse(decoder.decode(bytes))
  } catch (err) {
    throw new InvalidCheckpointError('manifest.json is not UTF-8 JSON', err)
  }
  const parsed = manifestSchema.safeParse(json)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new InvalidCheckpointError(`manifest.json ${issue?.path.join('.') || '(root)'}: ${issue?.message}`)
  }
  const m = parsed.data
  if (m.task !== opts.task.name) throw new InvalidCheckpointError(`it is for task ${m.task}, not ${opts.task.name}`)
  if (canonicalJson(m.config) !== canonicalJson(opts.config)) {
    throw new InvalidCheckpointError('its config differs from the subnet config')
  }
  return m
}

function parseTensors(
  file: string,
  bytes: Uint8Array,
  format: string,
  manifest: CheckpointManifest,
  opts: ParseCheckpointOptions,
): NamedTensor[] {
  const maxBytes = opts.maxBytes ?? defaultCheckpointMaxBytes(opts.config, opts.task)
  if (bytes.byteLength > maxBytes) throw new CheckpointTooLargeError(file, bytes.byteLength, maxBytes)
  const spec = createModel(opts.task, opts.config.model)
  try {
    const { meta, tensors } = decodeCheckpoint(bytes, { shapes: spec.params, maxBytes })
    const want = { format, version: String(CHECKPOINT_VERSION), task: manifest.task, round: String(manifest.round) }
    if (canonicalJson(meta) !== canonicalJson(want)) {
      throw new InvalidCheckpointError(`${file} metadata ${canonicalJson(meta)} is not ${canonicalJson(want)}`)
    }
    return tensors
  } catch (err) {
    if (err instanceof CodecError) throw new InvalidCheckpointError(`${file}: ${err.shortMessage}`, err)
    throw err
  }
}

/**
 * Parses a checkpoint directory strictly: exactly its three files, the manifest schema (unknown keys
 * refused, the subnet's task and config), the tensor files' metadata, names, dtypes and shapes equal to
 * the task model's, finite values, and size caps. Throws `InvalidCheckpointError` / `CheckpointTooLargeError`.
 */
export function parseCheckpoint(
  files: readonly FileEntry[] | ReadonlyMap<string, Uint8Array>,
  opts: ParseCheckpointOptions,
): ParsedCheckpoint {
  const byName = files instanceof Map ? new Map(files) : new Map((files as FileEntry[]).map((f) => [f.path, f.content]))
  const names = Object.values(CHECKPOINT_FILES) as string[]
  const count = files instanceof Map ? files.size : (files as FileEntry[]).length
  const extra = [...byName.keys()].filter((n) => !names.includes(n))
  const missing = names.filter((n) => !byName.has(n))
  if (extra.length > 0 || missing.length > 0 || count !== names.length) {
    throw new InvalidCheckpointError(
      `expected exactly ${names.join(', ')}; ${missing.length ? `missing ${missing.join(', ')}` : ''}${extra.length ? ` unexpected ${extra.join(', ')}` : ''}`.trim(),
    )
  }
  const manifest = parseManifest(byName.get(CHECKPOINT_FILES.manifest)!, opts)
  const params = parseTensors(CHECKPOINT_FILES.model, byName.get(CHECKPOINT_FILES.model)!, MODEL_FORMAT, manifest, opts)
  const momentum = parseTensors(
    CHECKPOINT_FILES.outerState,
    byName.get(CHECKPOINT_FILES.outerState)!,
    OUTER_STATE_FORMAT,
    manifest,
    opts,
  )
  return { manifest, params, momentum }
}
