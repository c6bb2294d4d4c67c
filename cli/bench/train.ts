import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { type Backend, initBackend } from '../../shared/backend/index.ts'
import { type CrowdtrainConfig, defaultConfig } from '../../shared/config/index.ts'
import type { Logger } from '../../shared/logger/index.ts'
import { createModel, initParams, modelFlopsPerToken, paramCount } from '../../shared/model/index.ts'
import { planShards } from '../../shared/shards/index.ts'
import { loadTask, trainingPages } from '../../shared/tasks/index.ts'
import { trainShard } from '../../shared/train/index.ts'

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

/** GFLOP/s of the backend's plain 2-D matmul, PEAK_N³, median of PEAK_REPS. */
function peakGflops(backend: Backend): number {
  const { tf } = backend
  const a = tf.randomNormal([PEAK_N, PEAK_N])
  const b = tf.randomNormal([PEAK_N, PEAK_N])
  const times: number[] = []
  for (let i = 0; i <= PEAK_REPS; i++) {
    const t0 = performance.now()
    const c = tf.matMul(a, b)
    c.dataSync()
    const dt = performance.now() - t0
    c.dispose()
    if (i > 0) times.push(dt) // i = 0 builds the operator
  }
  a.dispose()
  b.dispose()
  return (2 * PEAK_N ** 3) / (median(times) / 1000) / 1e9
}

/** The same model in PyTorch on one thread, where Debian's python3-torch is installed. */
function torchTokensPerSec(cfg: CrowdtrainConfig, vocabSize: number, logger: Logger): number | undefined {
  const script = fileURLToPath(new URL('./train_torch.py', import.meta.url))
  const input = JSON.stringify({ vocabSize, model: cfg.model, train: cfg.train, warmup: WARMUP + 1, steps: STEPS })
  for (const python of ['python3', '/usr/bin/python3']) {
    const probe = spawnSync(python, ['-c', 'import torch'], { encoding: 'utf8' })
    if (probe.status !== 0) continue
    const run = spawnSync(python, [script, input], {
      encoding: 'utf8',
      env: { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' },
    })
    const line = run.stdout?.trim().split('\n').pop()
    try {
      return (JSON.parse(line ?? '') as { tokensPerSec: number }).tokensPerSec
    } catch {
      logger.warn('the PyTorch reference failed', { python, status: run.status, stderr: run.stderr?.slice(-500) })
      return undefined
    }
  }
  return undefined
}

const round = (x: number, digits = 2) => Number(x.toFixed(digits))

/**
 * `crowdtrain bench train`: trains the default model (all of it, S = 1) on the default backend and
 * reports, from the median step, steps/s, tokens/s and achieved GFLOP/s (modelFlopsPerToken: 6·N_matmul + 12·L·T·C per
 * token) against the same backend's peak matmul GFLOP/s measured in the same run; and the same
 * model in PyTorch on one thread where python3-torch is installed.
 */
export async function run(opts: { json: boolean; logger: Logger }): Promise<Record<string, unknown>> {
  const { logger } = opts
  const cfg = defaultConfig()
  const backend = await initBackend(cfg.train.backend, logger)
  const task = loadTask(cfg.task.name, cfg)
  const spec = createModel(task, cfg.model)
  const params = initParams(spec, cfg.model.seed)
  const times: number[] = []
  let last = performance.now()
  await trainShard({
    task,
    modelConfig: cfg.model,
    params,
    plan: planShards(params, 1),
    shard: 0,
    pages: trainingPages(task),
    seed: 'bench',
    train: { ...cfg.train, innerSteps: WARMUP + STEPS, decayRounds: 1 },
    backend,
    logger,
    onStep: ({ step, loss }) => {
      const now = performance.now()
      const ms = now - last
      last = now
      if (step >= WARMUP) times.push(ms)
      logger.info('bench step', { step, loss: round(loss, 4), ms: round(ms) })
    },
  })
  const secPerStep = median(times) / 1000
  const tokensPerStep = cfg.train.batch * (spec.kind === 'gpt' ? spec.context : 1)
  const tokensPerSec = tokensPerStep / secPerStep
  const gflops = (modelFlopsPerToken(spec) * tokensPerSec) / 1e9
  const peak = peakGflops(backend)
  const vocab = spec.kind === 'gpt' ? spec.vocabSize : 0
  const torch = spec.kind === 'gpt' ? torchTokensPerSec(cfg, vocab, logger) : undefined
  return {
    backend: backend.name,
    model: {
      task: task.name,
      ...cfg.model,
      params: paramCount(spec),
      batch: cfg.train.batch,
      flopsPerToken: modelFlopsPerToken(spec),
    },
    steps: STEPS,
    stepsPerSec: round(1 / secPerStep, 3),
    tokensPerSec: round(tokensPerSec, 0),
    gflops: round(gflops),
    peakGflops: round(peak),
    ratio: round(gflops / peak, 3),
    ...(torch === undefined
      ? { torch: 'python3-torch not installed' }
      : { torchTokensPerSec: round(torch, 0), torchRatio: round(tokensPerSec / torch, 3), torch: 'measured' }),
  }
}
