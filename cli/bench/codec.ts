import { existsSync } from 'node:fs'
import { performance } from 'node:perf_hooks'
import {
  type CompressOptions,
  compressDelta,
  decodeDelta,
  decompressDelta,
  encodeDelta,
} from '../../shared/codec/index.ts'
import { defaultConfig } from '../../shared/config/index.ts'
import type { Logger } from '../../shared/logger/index.ts'
import type { NamedTensor } from '../../shared/tensor.ts'

// `crowdtrain bench codec`: size and error of the delta format at the configured `compress`
// settings, and encode/decode speed. Speeds are dense megabytes (float32) per second: compress +
// encodeDelta, and decodeDelta (strict checks included) + dense reconstruction.

type DeltaSource = 'synthetic heavy-tailed' | 'trained'
const META = { task: 'moby-char', round: 1, shard: 0, baseCid: 'bafkreibench', hotkey: '5Bench' }
const TRAIN_STEPS = 10
const REPS = 3

/** A seeded Student-t (3 degrees of freedom) stream: heavy tails, like real weight deltas. */
function studentT(seed: number, scale: number): () => number {
  let s = seed >>> 0
  const uniform = (): number => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = Math.imul(s ^ (s >>> 15), s | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296 + 1 / 8589934592
  }
  const normal = (): number => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform())
  return () => (scale * normal()) / Math.sqrt((normal() ** 2 + normal() ** 2 + normal() ** 2) / 3)
}

/** The tensors of `blocks` GPT blocks of width `w` (attention, MLP ×4, two layer norms): a shard's shapes. */
function blockShapes(blocks: number, w: number): [string, number[]][] {
  const out: [string, number[]][] = []
  for (let b = 0; b < blocks; b++) {
    for (const n of ['ln1.g', 'ln1.b', 'ln2.g', 'ln2.b']) out.push([`h${b}.${n}`, [w]])
    for (const n of ['attn.wq', 'attn.wk', 'attn.wv', 'attn.wo']) out.push([`h${b}.${n}`, [w, w]])
    out.push([`h${b}.mlp.fc`, [w, 4 * w]], [`h${b}.mlp.fcb`, [4 * w]], [`h${b}.mlp.proj`, [4 * w, w]])
  }
  return out
}

function synthetic(blocks: number, width: number, seed: number): NamedTensor[] {
  const next = studentT(seed, 1e-3)
  return blockShapes(blocks, width).map(([name, shape]) => {
    const data = new Float32Array(shape.reduce((a, b) => a * b, 1))
    for (let i = 0; i < data.length; i++) data[i] = next()
    return { name, shape, data }
  })
}

type TrainModules = {
  config: { defaultConfig(): ReturnType<typeof defaultConfig> }
  tasks: {
    loadTask(name: string, cfg: unknown): { datasetId: string; pageCount: number }
    trainingPages(t: unknown): number[]
  }
  model: { createModel(task: unknown, cfg: unknown): unknown; initParams(spec: unknown, seed: number): NamedTensor[] }
  shards: { planShards(params: readonly NamedTensor[], s: number): unknown }
  backend: { initBackend(name: string, logger: Logger): Promise<unknown> }
  train: { trainShard(p: Record<string, unknown>): Promise<{ delta: NamedTensor[]; losses: number[] }> }
}

async function importTrainModules(): Promise<TrainModules | undefined> {
  const names = ['config', 'tasks', 'model', 'shards', 'backend', 'train'] as const
  const urls = names.map((n) => new URL(`../../shared/${n}/index.ts`, import.meta.url))
  if (!urls.every((u) => existsSync(u))) return undefined
  const mods = await Promise.all(urls.map((u) => import(u.href)))
  return Object.fromEntries(names.map((n, i) => [n, mods[i]])) as TrainModules
}

/** Shard 0 of the default model after a few inner steps of real training (wasm), or undefined. */
async function trainedDelta(
  logger: Logger,
): Promise<{ delta: NamedTensor[]; steps: number; loss: number[] } | undefined> {
  try {
    const m = await importTrainModules()
    if (!m) return undefined
    const cfg = m.config.defaultConfig()
    const task = m.tasks.loadTask(cfg.task.name, cfg)
    const spec = m.model.createModel(task, cfg.model)
    const params = m.model.initParams(spec, cfg.model.seed)
    const plan = m.shards.planShards(params, cfg.shards.count)
    const backend = await m.backend.initBackend(cfg.train.backend, logger)
    const out = await m.train.trainShard({
      task,
      modelConfig: cfg.model,
      params,
      plan,
      shard: 0,
      pages: m.tasks.trainingPages(task).slice(0, cfg.task.pagesPerMiner),
      seed: 'bench-codec',
      train: { ...cfg.train, innerSteps: TRAIN_STEPS, decayRounds: 1 },
      backend,
      logger,
    })
    const losses = out.losses
    return { delta: out.delta, steps: TRAIN_STEPS, loss: [losses[0], losses[losses.length - 1]] }
  } catch (err) {
    logger.warn('training a delta failed; using a synthetic one', { error: String(err) })
    return undefined
  }
}

function diffNorm(a: readonly NamedTensor[], b: readonly NamedTensor[]): { diff: number; norm: number } {
  let diff = 0
  let norm = 0
  a.forEach((t, k) => {
    for (let i = 0; i < t.data.length; i++) {
      diff += (t.data[i] - b[k].data[i]) ** 2
      norm += t.data[i] ** 2
    }
  })
  return { diff: Math.sqrt(diff), norm: Math.sqrt(norm) }
}

function best(fn: () => void): number {
  let ms = Number.POSITIVE_INFINITY
  for (let r = 0; r < REPS; r++) {
    const t0 = performance.now()
    fn()
    ms = Math.min(ms, performance.now() - t0)
  }
  return ms
}

/** Figures for one delta at the given settings. */
function measure(delta: NamedTensor[], compress: CompressOptions) {
  const denseBytes = delta.reduce((s, t) => s + t.data.byteLength, 0)
  let bytes: Uint8Array = new Uint8Array(0)
  const encodeMs = best(() => {
    bytes = encodeDelta(compressDelta(delta, undefined, compress).compressed, META)
  })
  const shapes = delta.map((t) => ({ name: t.name, shape: t.shape }))
  let decoded: NamedTensor[] = []
  const decodeMs = best(() => {
    decoded = decodeDelta(bytes, { shapes, maxBytes: bytes.length, maxNorm: Number.POSITIVE_INFINITY }).delta
  })
  const { diff, norm } = diffNorm(delta, decoded)
  const mb = denseBytes / 1e6
  return {
    values: denseBytes / 4,
    denseBytes,
    compressedBytes: bytes.length,
    compressionRatio: Number((denseBytes / bytes.length).toFixed(2)),
    relError: Number((diff / norm).toFixed(4)),
    encodeMBps: Number((mb / (encodeMs / 1000)).toFixed(1)),
    decodeMBps: Number((mb / (decodeMs / 1000)).toFixed(1)),
  }
}

/** Ratio and error of the same delta at other densities (no timing): what a denser setting buys. */
function densitySweep(delta: NamedTensor[], compress: CompressOptions) {
  const denseBytes = delta.reduce((s, t) => s + t.data.byteLength, 0)
  return [0.001, 0.01, 0.03, 0.1, 0.3].map((density) => {
    const { compressed } = compressDelta(delta, undefined, { ...compress, density })
    const { diff, norm } = diffNorm(delta, decompressDelta(compressed))
    const bytes = encodeDelta(compressed, META).length
    return {
      density,
      compressionRatio: Number((denseBytes / bytes).toFixed(2)),
      relError: Number((diff / norm).toFixed(4)),
    }
  })
}

/** Accumulated error ‖ΣΔ − ΣΔ̂‖/‖ΣΔ‖ over rounds of independent synthetic deltas, with and without error feedback. */
function errorFeedback(rounds: number, compress: CompressOptions) {
  const deltas = Array.from({ length: rounds }, (_, r) => synthetic(1, 128, 1000 + r))
  const sum = (parts: NamedTensor[][]): NamedTensor[] =>
    parts[0].map((t, k) => {
      const data = new Float32Array(t.data.length)
      for (const p of parts) for (let i = 0; i < data.length; i++) data[i] += p[k].data[i]
      return { ...t, data }
    })
  const truth = sum(deltas)
  const run = (feedback: boolean): number => {
    let residual: NamedTensor[] | undefined
    const sent = deltas.map((d) => {
      const out = compressDelta(d, feedback ? residual : undefined, compress)
      residual = out.residual
      return decompressDelta(out.compressed)
    })
    const { diff, norm } = diffNorm(truth, sum(sent))
    return Number((diff / norm).toFixed(4))
  }
  return { rounds, relErrorWithout: run(false), relErrorWith: run(true) }
}

/** `crowdtrain bench codec`: compression ratio, relative error and speed of the delta codec. */
export async function run(opts: { json: boolean; logger: Logger }): Promise<Record<string, unknown>> {
  const compress = defaultConfig().compress
  const trained = await trainedDelta(opts.logger)
  const deltaSource: DeltaSource = trained ? 'trained' : 'synthetic heavy-tailed'
  const delta = trained?.delta ?? synthetic(2, 128, 1)
  opts.logger.info('measuring', { deltaSource, values: delta.reduce((s, t) => s + t.data.length, 0) })
  const main = measure(delta, compress)
  const larger = { deltaSource: 'synthetic heavy-tailed', ...measure(synthetic(2, 384, 2), compress) }
  return {
    ...main,
    deltaSource,
    ...(trained ? { trainedSteps: trained.steps, trainLossFirstLast: trained.loss } : {}),
    density: compress.density,
    bits: compress.bits,
    chunk: compress.chunk,
    larger,
    densitySweep: densitySweep(delta, compress),
    errorFeedback: errorFeedback(5, compress),
  }
}
