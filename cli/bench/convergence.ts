import { initBackend } from '../../shared/backend/index.ts'
import { genesisCheckpoint } from '../../shared/checkpoint/index.ts'
import { applyOverrides, presetConfig, presets } from '../../shared/config/index.ts'
import { UsageError } from '../../shared/errors/index.ts'
import type { Logger } from '../../shared/logger/index.ts'
import { loadTask } from '../../shared/tasks/index.ts'
import { writeChart } from './convergenceChart.ts'
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
  /** `key=value` config overrides (as `devnet --set`). */
  set?: readonly string[]
  /** Where to write the chart page (loss against tokens, three curves). */
  out?: string
  /** Pipelined rounds: the inner step at which θ_r reaches the training miners (simulateNetwork's `rebaseAt`). */
  rebaseAt?: string | number
}

/**
 * Default preset: `laptop` (the default model, ~0.8 M parameters, 30 inner steps of 8×128 tokens).
 * 10 rounds of 3 miners and the two baselines take ~20 min on 2 quiet cores. `--preset tiny`
 * (8 steps of 4×32 tokens) takes seconds, for tests, but is too short to say much.
 */
export const DEFAULT_PRESET = 'laptop'
const DEFAULTS = { rounds: 10, miners: 3, seed: 1 }

const round = (x: number, digits = 4) => Number(x.toFixed(digits))

function int(flag: string, value: string | number | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback
  const n = Number(value)
  if (!Number.isSafeInteger(n) || n < min || n > max)
    throw new UsageError(`${flag} must be an integer from ${min} to ${max}, got "${value}".`)
  return n
}

/**
 * `crowdtrain bench convergence`: three runs at equal training tokens, the report-split loss after
 * every round for each — (a) synchronous data-parallel (M workers: batch M·B, H steps per round),
 * (b) one node (batch B, H·M steps per round), (c) the network (M miners, H inner steps, S shards,
 * the delta compressor, validator scoring, consensus, aggregation and the outer step, through the
 * participants' own code) — all three under the one learning-rate schedule annealed over the R
 * rounds; and the bytes the network moves per trained token against dense gradient all-reduce.
 */
export async function run(opts: ConvergenceOptions): Promise<Record<string, unknown>> {
  const preset = opts.preset ?? DEFAULT_PRESET
  if (!Object.hasOwn(presets, preset))
    throw new UsageError(`Unknown preset "${preset}".`, `Choose one of: ${Object.keys(presets).join(', ')}.`)
  const rounds = int('--rounds', opts.rounds, DEFAULTS.rounds, 1, 1000)
  const miners = int('--miners', opts.miners, DEFAULTS.miners, 1, 256)
  const seed = int('--seed', opts.seed, DEFAULTS.seed, 0, 2 ** 31 - 1)
  const log = opts.logger
  const base = applyOverrides(presetConfig(preset), opts.set ?? [])
  // The network anneals over the run it is measured on, as the baselines do.
  const config = { ...base, model: { ...base.model, seed }, train: { ...base.train, decayRounds: rounds } }
  const H = config.train.innerSteps
  // Pipelined: where the settlement lands in a miner's training; in the default devnet the miners
  // moved onto it at steps 9–21 of 30 (docs/network.md "Rebase"), so 40 % of H by default.
  const rebaseAt = config.round.staleness > 0 ? int('--rebase-at', opts.rebaseAt, Math.round(0.4 * H), 0, H) : undefined
  const backend = await initBackend(config.train.backend, log)
  const task = loadTask(config.task.name, config)
  const genesis = await genesisCheckpoint(config, task, { backend, netuid: 1 })
  log.info('genesis', { reportLoss: genesis.reportLoss })
  const baseline = { config, task, backend, params: genesis.params, rounds, seed, logger: log }

  const t0 = performance.now()
  const ddp = await trainSingleNode({
    ...baseline,
    name: 'data-parallel',
    stepsPerRound: H,
    batch: miners * config.train.batch,
  })
  const t1 = performance.now()
  const single = await trainSingleNode({
    ...baseline,
    name: 'single-node',
    stepsPerRound: H * miners,
    batch: config.train.batch,
  })
  const t2 = performance.now()
  const network = await simulateNetwork({
    ...{ config, task, backend, genesis, miners, rounds, seed, rebaseAt, logger: log },
    onRound: (r) =>
      log.info('network round', { round: r.round, loss: r.lossAfter, accepted: r.accepted, zeros: r.zeros }),
  })
  const t3 = performance.now()
  const networkLoss = network.rounds[network.rounds.length - 1].lossAfter
  const n = genesis.params.reduce((s, t) => s + t.data.length, 0)
  const upload = network.rounds.reduce((s, r) => s + r.deltaBytes, 0)
  const download = network.rounds.reduce((s, r) => s + r.syncBytes * miners, 0)
  const tokensPerStep = network.tokens / (H * miners * rounds)
  const denseBytesPerToken = (2 * 4 * n) / tokensPerStep
  const bytesPerToken = (upload + download) / network.tokens
  const lossByRound = {
    ddp: ddp.lossByRound,
    singleNode: single.lossByRound,
    network: network.rounds.map((r) => r.lossAfter),
  }
  const tokensByRound = Array.from({ length: rounds }, (_, r) => (network.tokens * (r + 1)) / rounds)
  if (opts.out) await writeChart(opts.out, { initial: genesis.reportLoss, tokensByRound, lossByRound, preset, miners })
  return {
    preset,
    model: { task: task.name, params: n, shards: config.shards.count, innerSteps: H },
    compress: config.compress,
    outer: { lr: config.outer.lr, momentum: config.outer.momentum },
    // 1: pipelined rounds, each trained on the checkpoint one round older than the one it lands in.
    staleness: config.round.staleness,
    // Pipelined: the inner step at which the miners moved onto the newer checkpoint (null: sequential).
    rebaseAt: rebaseAt ?? null,
    miners,
    rounds,
    seed,
    tokens: network.tokens,
    initialLoss: genesis.reportLoss,
    ddpLoss: ddp.loss,
    singleNodeLoss: single.loss,
    networkLoss,
    ratioDdp: round(networkLoss / ddp.loss),
    ratio: round(networkLoss / single.loss),
    lossByRound,
    accepted: network.rounds.map((r) => r.accepted.length),
    zeros: network.rounds.flatMap((r) => r.zeros.map((z) => `round ${r.round} uid ${z.uid}: ${z.reason}`)),
    compressionRatio: round(network.rounds.reduce((s, r) => s + r.denseDeltaBytes, 0) / upload, 1),
    bytesPerToken: round(bytesPerToken, 3),
    uploadBytesPerToken: round(upload / network.tokens, 3),
    downloadBytesPerToken: round(download / network.tokens, 3),
    // Ring all-reduce of a float32 gradient sends and receives ≈ 2 × 4N bytes per worker per step.
    denseBytesPerToken: round(denseBytesPerToken, 2),
    reduction: round(denseBytesPerToken / bytesPerToken, 1),
    counted:
      'network = the encoded delta files the miners upload + what a following miner downloads each round to build the next checkpoint itself (the accepted deltas); validators not counted. dense = 2 × 4 bytes × params per worker per inner step (ring all-reduce of a float32 gradient), over batch × context tokens. compressionRatio = dense float32 bytes of the trained shards ÷ encoded delta bytes',
    ddpSec: round((t1 - t0) / 1000, 1),
    singleNodeSec: round((t2 - t1) / 1000, 1),
    networkSec: round((t3 - t2) / 1000, 1),
    ...(opts.out ? { chart: opts.out } : {}),
  }
}
