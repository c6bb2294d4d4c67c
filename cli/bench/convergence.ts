import { initBackend } from '../../shared/backend/index.ts'
import { genesisCheckpoint } from '../../shared/checkpoint/index.ts'
import { presetConfig, presets } from '../../shared/config/index.ts'
import { UsageError } from '../../shared/errors/index.ts'
import type { Logger } from '../../shared/logger/index.ts'
import { loadTask } from '../../shared/tasks/index.ts'
import { simulateNetwork } from './simulateNetwork.ts'
import { trainSingleNode } from './trainSingleNode.ts'

/** The flags of `crowdtrain bench convergence`, as given (strings from the command line). */
export type ConvergenceOptions = {
  json: boolean
  logger: Logger
  preset?: string
  rounds?: string | number
  miners?: string | number
  seed?: string | number
}

/**
 * Default preset: `laptop` (the default model, ~0.8 M parameters, 30 inner steps of 8×128 tokens,
 * S = 2, 1% top-k): 3 rounds of 3 miners plus the single-node baseline take ~4–5 min on 2 quiet
 * cores, and the network's loss is where a devnet's is. `--preset tiny` (8 steps of 4×32 tokens)
 * takes seconds, for tests, but is too short to say much.
 */
export const DEFAULT_PRESET = 'laptop'
const DEFAULTS = { rounds: 3, miners: 3, seed: 1 }

const round = (x: number, digits = 4) => Number(x.toFixed(digits))

function int(flag: string, value: string | number | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback
  const n = Number(value)
  if (!Number.isSafeInteger(n) || n < min || n > max)
    throw new UsageError(`${flag} must be an integer from ${min} to ${max}, got "${value}".`)
  return n
}

/**
 * `crowdtrain bench convergence`: for the same number of training tokens, the report-split loss of
 * (a) one node training the whole model with the inner optimizer for H·M·R steps and (b) the
 * network (M miners, H inner steps, S shards, top-k with error feedback, validator scoring,
 * consensus, aggregation and the outer Nesterov step, through the participants' own code) for R
 * rounds; and the bytes (b) moves per trained token against dense per-step gradient all-reduce.
 */
export async function run(opts: ConvergenceOptions): Promise<Record<string, unknown>> {
  const preset = opts.preset ?? DEFAULT_PRESET
  if (!Object.hasOwn(presets, preset))
    throw new UsageError(`Unknown preset "${preset}".`, `Choose one of: ${Object.keys(presets).join(', ')}.`)
  const rounds = int('--rounds', opts.rounds, DEFAULTS.rounds, 1, 1000)
  const miners = int('--miners', opts.miners, DEFAULTS.miners, 1, 256)
  const seed = int('--seed', opts.seed, DEFAULTS.seed, 0, 2 ** 31 - 1)
  const log = opts.logger
  const base = presetConfig(preset)
  const config = { ...base, model: { ...base.model, seed } }
  const backend = await initBackend(config.train.backend, log)
  const task = loadTask(config.task.name, config)
  const genesis = await genesisCheckpoint(config, task, { backend, netuid: 1 })
  log.info('genesis', { reportLoss: genesis.reportLoss })

  const t0 = performance.now()
  const single = await trainSingleNode({
    config,
    task,
    backend,
    params: genesis.params,
    steps: config.train.innerSteps * miners * rounds,
    seed,
    logger: log,
  })
  const t1 = performance.now()
  log.info('single node trained', { loss: single.loss, steps: single.steps })
  const network = await simulateNetwork({
    config,
    task,
    backend,
    genesis,
    miners,
    rounds,
    seed,
    logger: log,
    onRound: (r) =>
      log.info('network round', { round: r.round, loss: r.lossAfter, accepted: r.accepted, zeros: r.zeros }),
  })
  const t2 = performance.now()
  const networkLoss = network.rounds[network.rounds.length - 1].lossAfter
  const n = genesis.params.reduce((s, t) => s + t.data.length, 0)
  const upload = network.rounds.reduce((s, r) => s + r.deltaBytes, 0)
  const download = network.rounds.reduce((s, r) => s + r.checkpointBytes * miners, 0)
  const tokensPerStep = network.tokens / (config.train.innerSteps * miners * rounds)
  return {
    preset,
    model: { task: task.name, params: n, shards: config.shards.count, innerSteps: config.train.innerSteps },
    miners,
    rounds,
    seed,
    tokens: network.tokens,
    initialLoss: genesis.reportLoss,
    singleNodeLoss: single.loss,
    networkLoss,
    ratio: round(networkLoss / single.loss),
    networkLossByRound: network.rounds.map((r) => r.lossAfter),
    accepted: network.rounds.map((r) => r.accepted.length),
    zeros: network.rounds.flatMap((r) => r.zeros.map((z) => `round ${r.round} uid ${z.uid}: ${z.reason}`)),
    bytesPerToken: round((upload + download) / network.tokens, 2),
    uploadBytesPerToken: round(upload / network.tokens, 2),
    downloadBytesPerToken: round(download / network.tokens, 2),
    // Ring all-reduce of a float32 gradient sends and receives ≈ 2 × 4N bytes per worker per step.
    denseBytesPerToken: round((2 * 4 * n) / tokensPerStep, 2),
    reduction: round((2 * 4 * n) / tokensPerStep / ((upload + download) / network.tokens), 1),
    counted:
      'network = encoded delta files the miners upload + the checkpoint directory (model, outer momentum, manifest) each miner downloads each round; validators not counted. dense = 2 × 4 bytes × params per worker per inner step (ring all-reduce of a float32 gradient), over batch × context tokens',
    singleNodeSec: round((t1 - t0) / 1000, 1),
    networkSec: round((t2 - t1) / 1000, 1),
  }
}
