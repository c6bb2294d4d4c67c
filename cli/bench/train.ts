import { spawnSync } from 'node:child_process'
import { availableParallelism } from 'node:os'
import { fileURLToPath } from 'node:url'
import { type Backend, type BackendName, initBackend } from '../../shared/backend/index.ts'
import { type CrowdtrainConfig, defaultConfig, presetConfig } from '../../shared/config/index.ts'
import type { Logger } from '../../shared/logger/index.ts'
import { createModel, initParams, modelFlopsPerToken, paramCount } from '../../shared/model/index.ts'
import { planShards } from '../../shared/shards/index.ts'
import { loadTask, trainingPages } from '../../shared/tasks/index.ts'
import { createTrainPool, type StepInfo, type TrainPool, trainShard } from '../../shared/train/index.ts'
import { intFlag } from '../commands/chain.ts'

/** Steps timed, after WARMUP untimed ones (the first step builds XNNPACK operators and grows memory). */
const STEPS = 8
const WARMUP = 1
/** The peak reference: a square float32 matmul of this size, REPS times. */
const PEAK_N = 1024
const PEAK_REPS = 7

/** The median: robust to a load spike on a shared machine, for both figures of the ratio. */
function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}

/** GFLOP/s of the backend's plain 2-D matmul, n³ (PEAK_N, or 512 on a GPU that may be SwiftShader), median of PEAK_REPS. */
async function peakGflops(backend: Backend): Promise<number> {
  const { tf } = backend
  const n = backend.name === 'webgpu' ? 512 : PEAK_N
  const a = tf.randomNormal([n, n])
  const b = tf.randomNormal([n, n])
  const times: number[] = []
  for (let i = 0; i <= PEAK_REPS; i++) {
    const t0 = performance.now()
    const c = tf.matMul(a, b)
    await c.data()
    const dt = performance.now() - t0
    c.dispose()
    if (i > 0) times.push(dt) // i = 0 builds the operator
  }
  a.dispose()
  b.dispose()
  return (2 * n ** 3) / (median(times) / 1000) / 1e9
}

/**
 * The same model in PyTorch on `threads` threads, where Debian's python3-torch is installed. With more
 * than one thread, the faster of two set-ups (torch's OpenMP threads with a one-thread BLAS, or one
 * OpenMP thread with a threaded BLAS): the two fight when both are threaded, and which wins depends
 * on the model's size.
 */
function torchTokensPerSec(
  cfg: CrowdtrainConfig,
  vocabSize: number,
  threads: number,
  logger: Logger,
): number | undefined {
  const script = fileURLToPath(new URL('./train_torch.py', import.meta.url))
  const input = JSON.stringify({
    ...{ vocabSize, model: cfg.model, train: cfg.train, threads },
    ...{ warmup: WARMUP + 1, steps: STEPS },
  })
  const n = String(threads)
  const setups =
    threads === 1
      ? [{ omp: '1', blas: '1' }]
      : [
          { omp: n, blas: '1' },
          { omp: '1', blas: n },
        ]
  for (const python of ['python3', '/usr/bin/python3']) {
    const probe = spawnSync(python, ['-c', 'import torch'], { encoding: 'utf8' })
    if (probe.status !== 0) continue
    let best: number | undefined
    for (const { omp, blas } of setups) {
      const run = spawnSync(python, [script, input], {
        encoding: 'utf8',
        env: { ...process.env, OMP_NUM_THREADS: omp, OPENBLAS_NUM_THREADS: blas, MKL_NUM_THREADS: blas },
      })
      const line = run.stdout?.trim().split('\n').pop()
      try {
        const got = (JSON.parse(line ?? '') as { tokensPerSec: number }).tokensPerSec
        best = Math.max(best ?? 0, got)
      } catch {
        logger.warn('the PyTorch reference failed', { python, status: run.status, stderr: run.stderr?.slice(-500) })
      }
    }
    return best
  }
  return undefined
}

const round = (x: number, digits = 2) => Number(x.toFixed(digits))

/** Seconds of each of STEPS steps of `train` (WARMUP + STEPS steps, the first WARMUP untimed). */
async function stepSeconds(
  logger: Logger,
  label: string,
  train: (onStep: (info: StepInfo) => void) => Promise<unknown>,
): Promise<number[]> {
  const times: number[] = []
  let last = performance.now()
  await train(({ step, loss }) => {
    const now = performance.now()
    const ms = now - last
    last = now
    if (step >= WARMUP) times.push(ms)
    logger.info('bench step', { run: label, step, loss: round(loss, 4), ms: round(ms) })
  })
  return times.map((ms) => ms / 1000)
}

/**
 * `crowdtrain bench train`: trains the model of the preset (default: the default model, all of it,
 * S = 1) on the backend and reports, from the median step, steps/s, tokens/s and achieved GFLOP/s
 * (modelFlopsPerToken: 6·N_matmul + 12·L·T·C per token) against the same backend's one-thread peak
 * matmul GFLOP/s measured in the same run; with `--workers N` (default: the machine's cores) the same
 * training on N worker threads, data-parallel (`tokensPerSec`), against one thread
 * (`tokensPerSecOneWorker`) in the same run; and the same model in PyTorch on one and on N threads
 * where python3-torch is installed.
 */
export async function run(opts: {
  json: boolean
  logger: Logger
  preset?: string
  workers?: string
  backend?: string
}): Promise<Record<string, unknown>> {
  const { logger } = opts
  const cfg = opts.preset ? presetConfig(opts.preset) : defaultConfig()
  const workers = opts.workers === undefined ? availableParallelism() : intFlag('workers', opts.workers, 1, 256)
  const backendName = opts.backend ?? cfg.train.backend
  const backend = await initBackend(backendName, logger)
  const task = loadTask(cfg.task.name, cfg)
  const spec = createModel(task, cfg.model)
  const params = initParams(spec, cfg.model.seed)
  const inputs = {
    task,
    modelConfig: cfg.model,
    params,
    plan: planShards(params, 1),
    shard: 0,
    pages: trainingPages(task),
    seed: 'bench',
    train: { ...cfg.train, innerSteps: WARMUP + STEPS, decayRounds: 1 },
  }
  // Worker threads are for CPU backends: a GPU trains the whole batch at once.
  const used = backend.name === 'webgpu' ? 1 : Math.min(workers, cfg.train.batch)
  // As a miner trains: on worker threads kept between rounds (webgpu: on this thread). One worker and
  // N workers in turn, twice (A B A B), each figure the median of all its steps: a load spike on a
  // shared machine then hits both sides alike.
  const oneSteps: number[] = []
  const manySteps: number[] = []
  const onePool = backend.name === 'webgpu' ? undefined : createTrainPool(1)
  const pool = used > 1 ? createTrainPool(used) : undefined
  const onPool = (p: TrainPool) => (onStep: (info: StepInfo) => void) =>
    p.train({ ...inputs, config: cfg, backend: backend.name as BackendName, onStep })
  try {
    for (let pass = 0; pass < (pool ? 2 : 1); pass++) {
      oneSteps.push(
        ...(await stepSeconds(
          logger,
          'one worker',
          onePool ? onPool(onePool) : (onStep) => trainShard({ ...inputs, backend, logger, onStep }),
        )),
      )
      if (pool) manySteps.push(...(await stepSeconds(logger, `${used} workers`, onPool(pool))))
    }
  } finally {
    await onePool?.close()
    await pool?.close()
  }
  const one = median(oneSteps)
  const many = used > 1 ? median(manySteps) : one
  const tokensPerStep = cfg.train.batch * (spec.kind === 'gpt' ? spec.context : 1)
  const tokensPerSec = tokensPerStep / many
  const tokensPerSecOneWorker = tokensPerStep / one
  const peak = await peakGflops(backend)
  const vocab = spec.kind === 'gpt' ? spec.vocabSize : 0
  const torchOne = spec.kind === 'gpt' ? torchTokensPerSec(cfg, vocab, 1, logger) : undefined
  const torch = spec.kind === 'gpt' && used > 1 ? torchTokensPerSec(cfg, vocab, used, logger) : torchOne
  return {
    backend: backend.name,
    ...(backend.adapter ? { adapter: backend.adapter } : {}),
    model: {
      task: task.name,
      ...cfg.model,
      params: paramCount(spec),
      batch: cfg.train.batch,
      flopsPerToken: modelFlopsPerToken(spec),
    },
    steps: STEPS,
    // Each of the two set-ups ran this many times, in turn (A B A B); its figure is the median of all its steps.
    passes: used > 1 ? 2 : 1,
    workers: used,
    stepsPerSec: round(1 / many, 3),
    tokensPerSec: round(tokensPerSec, 0),
    tokensPerSecOneWorker: round(tokensPerSecOneWorker, 0),
    speedup: round(tokensPerSec / tokensPerSecOneWorker, 3),
    gflops: round((modelFlopsPerToken(spec) * tokensPerSec) / 1e9),
    peakGflops: round(peak),
    ratio: round((modelFlopsPerToken(spec) * tokensPerSecOneWorker) / 1e9 / peak, 3),
    ...(torch === undefined || torchOne === undefined
      ? { torch: 'python3-torch not installed' }
      : {
          torchTokensPerSec: round(torch, 0),
          torchTokensPerSecOneThread: round(torchOne, 0),
          torchRatio: round(tokensPerSec / torch, 3),
          torchRatioOneThread: round(tokensPerSecOneWorker / torchOne, 3),
          torch: 'measured',
        }),
  }
}
