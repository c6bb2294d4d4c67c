import { readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import {
  CHECKPOINT_FILES,
  defaultCheckpointMaxBytes,
  MAX_MANIFEST_BYTES,
  manifestSchema,
  type ParsedCheckpoint,
  parseCheckpoint,
} from '../../shared/checkpoint/index.ts'
import type { CrowdtrainConfig } from '../../shared/config/index.ts'
import { describeError } from '../../shared/errors/index.ts'
import type { FileEntry } from '../../shared/storage/index.ts'
import { loadTask, type Task } from '../../shared/tasks/index.ts'
import { InvalidLocalCheckpointError } from './errors.ts'

/** A checkpoint read from a local directory (as `checkpoint pull` writes it). */
export type LocalCheckpoint = {
  dir: string
  files: FileEntry[]
  checkpoint: ParsedCheckpoint
  config: CrowdtrainConfig
  task: Task
}

/**
 * Reads the checkpoint files of `dir` (size-capped) and parses them strictly. Without `expect`, the
 * task and config come from the directory's own manifest (for offline use such as `checkpoint sample`);
 * with it, the files must fit that subnet's task and config.
 */
export async function readLocalCheckpoint(
  dir: string,
  expect?: { config: CrowdtrainConfig; task: Task },
): Promise<LocalCheckpoint> {
  const manifestBytes = await readCapped(dir, CHECKPOINT_FILES.manifest, MAX_MANIFEST_BYTES)
  let config = expect?.config
  let task = expect?.task
  if (!config || !task) {
    const parsed = (() => {
      try {
        return manifestSchema.safeParse(JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(manifestBytes)))
      } catch (err) {
        throw new InvalidLocalCheckpointError(dir, 'manifest.json is not UTF-8 JSON', err)
      }
    })()
    if (!parsed.success) {
      const issue = parsed.error.issues[0]
      throw new InvalidLocalCheckpointError(
        dir,
        `manifest.json ${issue?.path.join('.') || '(root)'}: ${issue?.message}`,
      )
    }
    config = parsed.data.config
    task = loadTask(parsed.data.task, config)
  }
  const cap = defaultCheckpointMaxBytes(config, task)
  const files: FileEntry[] = [
    { path: CHECKPOINT_FILES.model, content: await readCapped(dir, CHECKPOINT_FILES.model, cap) },
    { path: CHECKPOINT_FILES.outerState, content: await readCapped(dir, CHECKPOINT_FILES.outerState, cap) },
    { path: CHECKPOINT_FILES.manifest, content: manifestBytes },
  ]
  try {
    return { dir, files, checkpoint: parseCheckpoint(files, { config, task }), config, task }
  } catch (err) {
    throw new InvalidLocalCheckpointError(dir, describeError(err), err)
  }
}

async function readCapped(dir: string, name: string, maxBytes: number): Promise<Uint8Array> {
  const path = join(dir, name)
  try {
    const { size } = await stat(path)
    if (size > maxBytes) throw new InvalidLocalCheckpointError(dir, `${name} is ${size} bytes; at most ${maxBytes}`)
    return new Uint8Array(await readFile(path))
  } catch (err) {
    if (err instanceof InvalidLocalCheckpointError) throw err
    throw new InvalidLocalCheckpointError(dir, `${name} cannot be read (${describeError(err)})`, err)
  }
}
