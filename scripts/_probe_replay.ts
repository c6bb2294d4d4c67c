import { initBackend } from '../shared/backend/index.ts'
import { presetConfig, defaultConfig } from '../shared/config/index.ts'
import { silentLogger } from '../shared/logger/index.ts'
import { createModel, initParams } from '../shared/model/index.ts'
import { planShards } from '../shared/shards/index.ts'
import { loadTask, trainingPages } from '../shared/tasks/index.ts'
import { createTrainPool, trainShard, type TrainSnapshot } from '../shared/train/index.ts'
import { compressDelta, decompressDelta } from '../shared/codec/index.ts'

const preset = process.argv[2] ?? 'tiny'
const S = Number(process.argv[3] ?? 2)
const config = preset === 'default' ? defaultConfig() : presetConfig(preset as 'tiny')
const backend = await initBackend('wasm', silentLogger)
const task = loadTask(config.task.name, config)
const params = initParams(createModel(task, config.model), config.model.seed)
const plan = planShards(params, config.shards.count)
const pool = trainingPages(task)
const A = pool.slice(0, config.task.pagesPerMiner)
const B = pool.slice(50, 50 + config.task.pagesPerMiner)
const base = { task, modelConfig: config.model, params, plan, shard: 0, seed: 'x', train: config.train, snapshotEvery: S, firstStep: 0 }
const norm = (a: Float32Array[], b?: Float32Array[]) => { let s = 0; a.forEach((x, i) => x.forEach((v, j) => { const d = v - (b ? b[i][j] : 0); s += d * d })); return Math.sqrt(s) }
async function replay(snaps: TrainSnapshot[], k: number, pages: number[]) {
  const a = snaps[k], b = snaps[k + 1]
  const r = await trainShard({ ...base, backend, pages, resume: a, until: b.step })
  const got = r.snapshots!.at(-1)!
  const num = norm(got.values.map((t) => t.data), b.values.map((t) => t.data))
  const den = norm(b.values.map((t) => t.data), a.values.map((t) => t.data))
  return num / den
}
const honest = await trainShard({ ...base, backend, pages: A })
const p2 = createTrainPool(2)
const two = await p2.train({ ...base, pages: A, config, backend: 'wasm' })
await p2.close()
const wrong = await trainShard({ ...base, backend, pages: B })
const fbo = await trainShard({ ...base, backend, pages: A, pagesAt: (s: number) => (s === 0 ? A : B) })
const out: Record<string, number[]> = { honest: [], two: [], wrong: [], fbo: [] }
for (let k = 0; k + 1 < honest.snapshots!.length; k++) {
  out.honest.push(await replay(honest.snapshots!, k, A))
  out.two.push(await replay(two.snapshots!, k, A))
  out.wrong.push(await replay(wrong.snapshots!, k, A))
  out.fbo.push(await replay(fbo.snapshots!, k, A))
}
for (const [k, v] of Object.entries(out)) console.log(k, v.map((x) => x.toExponential(2)).join(' '))
// round 2 carried state
const r2 = await trainShard({ ...base, backend, pages: A, firstStep: config.train.innerSteps, optimizerState: honest.optimizerState, seed: 'y' })
const w2 = await trainShard({ ...base, backend, pages: B, firstStep: config.train.innerSteps, optimizerState: honest.optimizerState, seed: 'y' })
const o2: number[] = [], ow: number[] = []
for (let k = 0; k + 1 < r2.snapshots!.length; k++) { o2.push(await replay2(r2.snapshots!, k, A)); ow.push(await replay2(w2.snapshots!, k, A)) }
async function replay2(snaps: TrainSnapshot[], k: number, pages: number[]) {
  const a = snaps[k], b = snaps[k + 1]
  const r = await trainShard({ ...base, backend, pages, resume: a, until: b.step, firstStep: config.train.innerSteps, seed: 'y' })
  const got = r.snapshots!.at(-1)!
  return norm(got.values.map((t) => t.data), b.values.map((t) => t.data)) / norm(b.values.map((t) => t.data), a.values.map((t) => t.data))
}
console.log('r2 honest', o2.map((x) => x.toExponential(2)).join(' '))
console.log('r2 wrong', ow.map((x) => x.toExponential(2)).join(' '))
// tie: cosine of compressed delta with dense
let resid: any
for (const [name, r] of [['r1', honest], ['r2', r2]] as const) {
  const c = compressDelta(r.delta, resid, config.compress, config.compress.feedbackDecay)
  resid = c.residual
  const d = decompressDelta(c.compressed)
  const a = d.map((t) => t.data), b = r.delta.map((t) => t.data)
  let dot = 0; a.forEach((x, i) => x.forEach((v, j) => (dot += v * b[i][j])))
  console.log('cos', name, (dot / norm(a) / norm(b)).toFixed(3))
}
const mb = honest.snapshots![0].values.reduce((n, t) => n + t.data.length, 0) * 12 / 1e6
console.log('snapshot MB', mb.toFixed(2), 'snapshots', honest.snapshots!.length)
process.exit(0)
