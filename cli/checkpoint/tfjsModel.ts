import { mkdir, open, readFile, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { z } from 'zod'
import type { FileEntry } from '../../shared/storage/index.ts'
import { type NamedTensor, sizeOf } from '../../shared/tensor.ts'
import { InvalidTfjsModelError } from './errors.ts'

/** The file a TensorFlow.js model is opened by (`tf.io` loaders read it, then its weight files). */
export const TFJS_MODEL_JSON = 'model.json'
/** Bytes per weight file, as the tfjs converter writes them (its default shard size). */
export const TFJS_SHARD_BYTES = 4 * 1024 * 1024
/** `format` of the model.json we write: weights only (the architecture is our own code, named in the metadata). */
export const TFJS_FORMAT = 'crowdtrain-weights'
/** Largest model.json read: names and shapes of thousands of tensors plus metadata. */
export const MAX_TFJS_JSON_BYTES = 4 * 1024 * 1024

const fileName = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[A-Za-z0-9._-]+$/, 'a plain file name')
  .refine((s) => s !== '.' && s !== '..', 'a plain file name')

const weightSpec = z
  .object({
    name: z.string().min(1).max(1024),
    shape: z
      .array(
        z
          .number()
          .int()
          .min(0)
          .max(2 ** 31 - 1),
      )
      .max(8),
    dtype: z.literal('float32', { errorMap: () => ({ message: 'only float32 weights are supported' }) }),
  })
  .strict()

/** The model.json schema: tfjs's model artifacts, weights-only (no quantization). */
export const tfjsModelJsonSchema = z
  .object({
    format: z.string().max(256).optional(),
    generatedBy: z.string().max(256).optional(),
    convertedBy: z.string().max(256).nullable().optional(),
    modelTopology: z.unknown().optional(),
    weightsManifest: z
      .array(
        z.object({ paths: z.array(fileName).min(1).max(10_000), weights: z.array(weightSpec).max(100_000) }).strict(),
      )
      .min(1)
      .max(1000),
    userDefinedMetadata: z.record(z.unknown()).optional(),
  })
  .strict()

/** A parsed model.json. */
export type TfjsModelJson = z.infer<typeof tfjsModelJsonSchema>

/** A TensorFlow.js model read back: its tensors in manifest order, and the model.json metadata. */
export type TfjsModel = { tensors: NamedTensor[]; metadata: Record<string, unknown>; format: string | undefined }

/**
 * The files of a TensorFlow.js weights-only model: `model.json` (tfjs's `weightsManifest` format, one
 * group) and `group1-shardIofN.bin` files of at most `shardBytes`, float32 little-endian in manifest
 * order — what `tf.io.loadWeights` and `tf.io.decodeWeights` read. Deterministic bytes.
 */
export function buildTfjsModel(p: {
  tensors: readonly NamedTensor[]
  metadata: Record<string, unknown>
  shardBytes?: number
}): FileEntry[] {
  const shardBytes = p.shardBytes ?? TFJS_SHARD_BYTES
  const total = p.tensors.reduce((n, t) => n + 4 * t.data.length, 0)
  const all = new Uint8Array(total)
  const view = new DataView(all.buffer)
  let at = 0
  for (const t of p.tensors) {
    if (t.data.length !== sizeOf(t.shape)) throw new InvalidTfjsModelError(`tensor "${t.name}" does not fill its shape`)
    for (const v of t.data) {
      view.setFloat32(at, v, true)
      at += 4
    }
  }
  const count = Math.max(1, Math.ceil(total / shardBytes))
  const paths = Array.from({ length: count }, (_, i) => `group1-shard${i + 1}of${count}.bin`)
  const json: TfjsModelJson = {
    format: TFJS_FORMAT,
    generatedBy: 'crowdtrain',
    convertedBy: null,
    weightsManifest: [
      { paths, weights: p.tensors.map((t) => ({ name: t.name, shape: [...t.shape], dtype: 'float32' as const })) },
    ],
    userDefinedMetadata: p.metadata,
  }
  return [
    { path: TFJS_MODEL_JSON, content: new TextEncoder().encode(`${JSON.stringify(json, null, 1)}\n`) },
    ...paths.map((path, i) => ({ path, content: all.subarray(i * shardBytes, Math.min(total, (i + 1) * shardBytes)) })),
  ]
}

/** Parses model.json bytes strictly. */
export function parseTfjsModelJson(bytes: Uint8Array): TfjsModelJson {
  if (bytes.byteLength > MAX_TFJS_JSON_BYTES)
    throw new InvalidTfjsModelError(`model.json is ${bytes.byteLength} bytes; at most ${MAX_TFJS_JSON_BYTES}`)
  let json: unknown
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes))
  } catch (err) {
    throw new InvalidTfjsModelError('model.json is not UTF-8 JSON', err)
  }
  const parsed = tfjsModelJsonSchema.safeParse(json)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new InvalidTfjsModelError(`model.json ${issue?.path.join('.') || '(root)'}: ${issue?.message}`)
  }
  const names = parsed.data.weightsManifest.flatMap((g) => g.weights.map((w) => w.name))
  const twice = names.find((n, i) => names.indexOf(n) !== i)
  if (twice !== undefined) throw new InvalidTfjsModelError(`weight "${twice}" is listed twice`)
  return parsed.data
}

/**
 * Reads a model whose files are given by name (model.json and its weight files): each group's files are
 * concatenated and must hold exactly its weights' bytes; values must be finite.
 */
export function parseTfjsModel(files: ReadonlyMap<string, Uint8Array>): TfjsModel {
  const json = parseTfjsModelJson(files.get(TFJS_MODEL_JSON) ?? missing(TFJS_MODEL_JSON))
  const tensors: NamedTensor[] = []
  for (const group of json.weightsManifest) {
    const parts = group.paths.map((p) => files.get(p) ?? missing(p))
    const bytes = concat(parts)
    const want = group.weights.reduce((n, w) => n + 4 * sizeOf(w.shape), 0)
    if (bytes.byteLength !== want)
      throw new InvalidTfjsModelError(`${group.paths.join(', ')} hold ${bytes.byteLength} bytes, not ${want}`)
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    let at = 0
    for (const w of group.weights) {
      const data = new Float32Array(sizeOf(w.shape))
      for (let i = 0; i < data.length; i++, at += 4) data[i] = view.getFloat32(at, true)
      if (!data.every(Number.isFinite)) throw new InvalidTfjsModelError(`weight "${w.name}" is not finite`)
      tensors.push({ name: w.name, shape: [...w.shape], data })
    }
  }
  return { tensors, metadata: json.userDefinedMetadata ?? {}, format: json.format }
}

/** Writes the model's files into `dir` (created). */
export async function writeTfjsModel(dir: string, files: readonly FileEntry[]): Promise<void> {
  await mkdir(dir, { recursive: true })
  for (const f of files) await writeFile(join(dir, f.path), f.content)
}

/**
 * Loads a TensorFlow.js weights-only model from a directory (the project's own loader, the inverse of
 * `buildTfjsModel`). Weight files are size-checked against model.json before they are read, so at most
 * `maxBytes` of weights (default 4 GiB) are ever buffered.
 */
export async function loadTfjsModel(dir: string, opts: { maxBytes?: number } = {}): Promise<TfjsModel> {
  const maxBytes = opts.maxBytes ?? 4 * 1024 ** 3
  const jsonBytes = await readSmall(join(dir, TFJS_MODEL_JSON), MAX_TFJS_JSON_BYTES)
  const json = parseTfjsModelJson(jsonBytes)
  const files = new Map([[TFJS_MODEL_JSON, jsonBytes]])
  let budget = json.weightsManifest.reduce((n, g) => n + g.weights.reduce((m, w) => m + 4 * sizeOf(w.shape), 0), 0)
  if (budget > maxBytes) throw new InvalidTfjsModelError(`its weights are ${budget} bytes; at most ${maxBytes}`)
  for (const path of json.weightsManifest.flatMap((g) => g.paths)) {
    const bytes = await readSmall(join(dir, path), budget)
    budget -= bytes.byteLength
    files.set(path, bytes)
  }
  return parseTfjsModel(files)
}

async function readSmall(path: string, maxBytes: number): Promise<Uint8Array> {
  let size: number
  try {
    size = (await stat(path)).size
  } catch (err) {
    throw new InvalidTfjsModelError(`${path} cannot be read`, err)
  }
  if (size > maxBytes) throw new InvalidTfjsModelError(`${path} is ${size} bytes; at most ${maxBytes} expected`)
  const handle = await open(path, 'r')
  try {
    return new Uint8Array(await readFile(handle))
  } finally {
    await handle.close()
  }
}

function missing(name: string): never {
  throw new InvalidTfjsModelError(`${name} is missing`)
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0))
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.byteLength
  }
  return out
}
