/**
 * Measures what the proof of training's tolerance must separate (docs/network.md "Proof of
 * training"): for every segment of one round of training, the distance ‖replayed − snapshot‖ /
 * ‖snapshot update‖ when a validator replays it on one thread, for an honest training on this
 * thread, on two worker threads, on other pages (wrong-data) and with only the first batch from the
 * assigned pages (first-batch-only); then a second round with carried moments; and the cosine of the
 * compressed delta with the dense one (the tie).
 *
 *   node --experimental-strip-types scripts/measureReplay.ts [tiny|default] [every]
 */
import { initBackend } from '../shared/backend/index.ts'
import { compressDelta, decompressDelta } from '../shared/codec/index.ts'
import { defaultConfig, presetConfig } from '../shared/config/index.ts'
import { silentLogger } from '../shared/logger/index.ts'
import { createModel, initParams } from '../shared/model/index.ts'
import { planShards } from '../shared/shards/index.ts'
import { loadTask, trainingPages } from '../shared/tasks/index.ts'
import type { NamedTensor } from '../shared/tensor.ts'
import { createTrainPool, type TrainSnapshot, trainShard } from '../shared/train/index.ts'

const preset = process.argv[2] ?? 'tiny'
const config = preset === 'default' ? defaultConfig() : presetConfig('tiny')
const every = Number(process.argv[3] ?? config.proof.every)
const backend = await initBackend('wasm', silentLogger)
const task = loadTask(config.task.name, config)
const params = initParams(createModel(task, config.model), config.model.seed)
const pool = trainingPages(task)
const assigned = pool.slice(0, config.task.pagesPerMiner)
const other = pool.slice(50, 50 + config.task.pagesPerMiner)
const H = config.train.innerSteps
const base = {
  ...{ task, modelConfig: config.model, params, plan: planShards(params, config.shards.count), shard: 0 },
  ...{ train: config.train, snapshotEvery: every },
}
const norm = (a: readonly NamedTensor[], b: readonly NamedTensor[]) =>
  Math.sqrt(a.reduce((s, t, i) => s + t.data.reduce((q, x, j) => q + (x - b[i].data[j]) ** 2, 0), 0))

// The distance of each segment's replay (on the assigned pages, one thread) from the recorded snapshots.
async function distances(snapshots: TrainSnapshot[], round: number, seed: string): Promise<string> {
  const out: string[] = []
  for (let k = 0; k + 1 < snapshots.length; k++) {
    const [a, b] = [snapshots[k], snapshots[k + 1]]
    const r = await trainShard({
      ...{ ...base, backend, pages: assigned, seed, firstStep: round * H },
      ...{ resume: a, until: b.step },
    })
    const got = r.snapshots?.at(-1)
    if (!got) throw new Error('no final snapshot')
    out.push((norm(got.values, b.values) / norm(b.values, a.values)).toExponential(2))
  }
  return out.join(' ')
}

const train = (pages: number[], over: Partial<Parameters<typeof trainShard>[0]> = {}) =>
  trainShard({ ...base, backend, pages, seed: 'r0', firstStep: 0, ...over })
const honest = await train(assigned)
const workers = createTrainPool(2)
const two = await workers.train({ ...base, pages: assigned, seed: 'r0', config, backend: 'wasm' })
await workers.close()
const wrong = await train(other)
const firstOnly = await train(assigned, { pagesAt: (s) => (s === 0 ? assigned : other) })
console.log(`${preset}, every ${every} of ${H} steps; distance per segment:`)
for (const [name, r] of Object.entries({
  honest,
  'two workers': two,
  'wrong-data': wrong,
  'first-batch-only': firstOnly,
}))
  console.log(`  round 0 ${name}: ${await distances(r.snapshots ?? [], 0, 'r0')}`)
const carried = (pages: number[]) => train(pages, { firstStep: H, optimizerState: honest.optimizerState, seed: 'r1' })
const next = await carried(assigned)
console.log(`  round 1 honest: ${await distances(next.snapshots ?? [], 1, 'r1')}`)
console.log(`  round 1 wrong-data: ${await distances((await carried(other)).snapshots ?? [], 1, 'r1')}`)
// The tie: the compressed delta (error feedback carried) against the dense one it came from.
let residual: NamedTensor[] | undefined
for (const [round, r] of [honest, next].entries()) {
  const c = compressDelta(r.delta, residual, config.compress, config.compress.feedbackDecay)
  residual = c.residual
  const sent = decompressDelta(c.compressed)
  const zero = r.delta.map((t) => ({ ...t, data: new Float32Array(t.data.length) }))
  const dot = sent.reduce((s, t, i) => s + t.data.reduce((q, x, j) => q + x * r.delta[i].data[j], 0), 0)
  console.log(`  round ${round} cosine(sent, trained): ${(dot / norm(sent, zero) / norm(r.delta, zero)).toFixed(3)}`)
}
const values = honest.snapshots?.[0].values.reduce((n, t) => n + t.data.length, 0) ?? 0
console.log(`  snapshot: ${((values * 12) / 1e6).toFixed(2)} MB, ${honest.snapshots?.length} per round`)
process.exit(0)
