import { u8aToHex } from '@polkadot/util'
import { encodeAddress } from '@polkadot/util-crypto'
import { bondsFromSparse } from '../../chain/consensus/index.ts'
import { buildOutcomeCheckpoint, computeRoundOutcome } from '../../chain/ledger/index.ts'
import { type DeltaRevealEntry, type Member, weightsFromScores } from '../../chain/protocol/index.ts'
import { produceDelta, type TrainState } from '../../miner/index.ts'
import type { Backend } from '../../shared/backend/index.ts'
import { CHECKPOINT_FILES } from '../../shared/checkpoint/index.ts'
import type { CrowdtrainConfig } from '../../shared/config/index.ts'
import type { LossEvaluator } from '../../shared/eval/index.ts'
import type { Logger } from '../../shared/logger/index.ts'
import { createModel } from '../../shared/model/index.ts'
import { canonicalJson } from '../../shared/p2p/index.ts'
import { seedBytes } from '../../shared/random.ts'
import { planShards, type ShardPlan } from '../../shared/shards/index.ts'
import { createMemoryStorage, type FileEntry, type Storage } from '../../shared/storage/index.ts'
import {
  assignPages,
  drawEvalPages,
  shardForMiner,
  type Task,
  trainingPages,
  unassignedPages,
} from '../../shared/tasks/index.ts'
import type { NamedTensor } from '../../shared/tensor.ts'
import { buildScoreReport, evaluateRound, fetchDelta, scoreRound, smoothScores } from '../../validator/index.ts'

/** The inputs of `simulateNetwork`. */
export type SimulateNetworkParameters = {
  config: CrowdtrainConfig
  task: Task
  backend: Backend
  /** The validator's loss computation (scoring workers); default: on this thread. */
  losses?: LossEvaluator
  /** θ_0: the genesis checkpoint's files, parameters and (zero) outer momentum, in model order. */
  genesis: { files: FileEntry[]; params: readonly NamedTensor[]; momentum: readonly NamedTensor[] }
  miners: number
  rounds: number
  /** Seeds the hotkeys and the stand-in block hashes (page assignment, eval pages). */
  seed: number
  /**
   * Pipelined rounds: the inner step before which θ_r — settled while round r trains on θ_{r−1} —
   * reaches the miners, who move onto it (`rebase`); absent: they never do, and send their progress
   * from the eager start.
   */
  rebaseAt?: number
  logger: Logger
  onRound?: (r: SimulatedRound) => void
}

/** One simulated round. */
export type SimulatedRound = {
  round: number
  /** Report-split loss of θ_{r+1}. */
  lossAfter: number
  /** The CID of θ_{r+1}'s checkpoint directory. */
  checkpointCid: string
  /** Uids whose deltas the round aggregated. */
  accepted: number[]
  /** Miners the validator scored zero, with its reason. */
  zeros: { uid: number; reason: string }[]
  /** Encoded delta files the miners uploaded. */
  deltaBytes: number
  /** Dense float32 bytes of the shards the miners trained (what uncompressed deltas would be). */
  denseDeltaBytes: number
  /** What a following miner downloads to build θ_{r+1} itself: the new manifest and the deltas it lists. */
  syncBytes: number
  /** The checkpoint directory (model, outer state, manifest) a joining miner downloads instead. */
  checkpointBytes: number
}

/** What `simulateNetwork` measured. */
export type SimulateNetworkReturnType = { rounds: SimulatedRound[]; params: NamedTensor[]; tokens: number }

const NETUID = 1

/** What the simulated network carries from round to round. */
type Sim = SimulateNetworkParameters & {
  storage: Storage
  plan: ShardPlan
  paramShapes: Map<string, number[]>
  pool: number[]
  validator: Member
  minerMembers: Member[]
  owner: string
  /** Each miner's training state per shard (`stateKey`). */
  states: Map<string, TrainState>
  smoothed: Map<string, number>
  bondsPrev: bigint[][] | null
  theta: { params: NamedTensor[]; momentum: NamedTensor[] }
}

const stateKey = (uid: number, shard: number) => `${uid}#${shard}`

type RoundInput = {
  round: number
  /** The checkpoint the round's deltas are trained on and scored at (θ_r, or θ_{r−1} when pipelined). */
  baseCid: string
  baseParams: readonly NamedTensor[]
  baseRound: number | null
  /** θ_r: the newest checkpoint, which the round's settlement steps from. */
  parentCid: string
  hash: (what: string) => `0x${string}`
}

/**
 * The network's training algorithm in one process, through the code the participants run: each
 * miner's `produceDelta` (its shard and pages as on chain, H AdamW steps, top-k with error
 * feedback, encoded delta file), one validator's `evaluateRound` + `scoreRound` + smoothed weights
 * and score report, then `computeRoundOutcome` (Yuma consensus, acceptance, per-shard aggregation
 * and the outer Nesterov step) and `buildOutcomeCheckpoint`. Chain and IPFS are replaced by their
 * results: a memory store, block hashes drawn from the seed, one validator holding all the stake.
 */
export async function simulateNetwork(p: SimulateNetworkParameters): Promise<SimulateNetworkReturnType> {
  const sim = createSim(p)
  // θ_0, θ_1, …: with pipelined rounds (round.staleness 1) round r trains on θ_{r−1}, and its
  // deltas are scored there but applied to θ_r, as the network does (docs/network.md).
  const checkpoints = [{ files: p.genesis.files, params: [...p.genesis.params] }]
  const out: SimulatedRound[] = []
  for (let round = 0; round < p.rounds; round++) {
    const hash = (what: string) => u8aToHex(seedBytes('crowdtrain/bench/block', p.seed, round, what)) as `0x${string}`
    const current = checkpoints[checkpoints.length - 1]
    const baseIndex = Math.max(0, checkpoints.length - 1 - p.config.round.staleness)
    const base = checkpoints[baseIndex]
    // 1. θ_r and the round's base: the checkpoint directories miners and validators download.
    const input: RoundInput = {
      round,
      hash,
      baseCid: (await sim.storage.add(base.files)).toString(),
      baseParams: base.params,
      // θ_k is the outcome of round k − 1; θ_0 is genesis.
      baseRound: baseIndex === 0 ? null : baseIndex - 1,
      parentCid: (await sim.storage.add(current.files)).toString(),
    }
    // 2. Every miner trains its shard on its pages and uploads the encoded delta.
    const mined = await mine(sim, input)
    // 3. The validator measures and scores every delta, smooths the scores and reports.
    const scored = await score(sim, input, mined)
    // 4. Settlement: the validators' outcome function, then θ_{r+1} as they build it.
    const settled = await settle(sim, input, mined.reveals, scored)
    const r: SimulatedRound = {
      round,
      lossAfter: settled.reportLoss,
      checkpointCid: (await sim.storage.add(settled.files)).toString(),
      accepted: settled.accepted,
      zeros: scored.rows.filter((x) => x.score === 0).map((x) => ({ uid: x.uid, reason: x.reason ?? 'zero' })),
      deltaBytes: mined.deltaBytes,
      denseDeltaBytes: mined.denseBytes,
      // As the miners' follower fetches: the new manifest, then the deltas it lists.
      syncBytes:
        settled.usedUids.reduce((n, uid) => n + (mined.bytesByUid.get(uid) ?? 0), 0) +
        (settled.files.find((f) => f.path === CHECKPOINT_FILES.manifest)?.content.length ?? 0),
      checkpointBytes: current.files.reduce((n, f) => n + f.content.length, 0),
    }
    checkpoints.push({ files: settled.files, params: sim.theta.params })
    p.onRound?.(r)
    out.push(r)
  }
  const tokensPerStep = p.config.train.batch * (p.task.kind === 'lm' ? p.config.model.context : 1)
  const tokens = p.rounds * p.miners * p.config.train.innerSteps * tokensPerStep
  return { rounds: out, params: sim.theta.params, tokens }
}

function createSim(p: SimulateNetworkParameters): Sim {
  const address = (i: number) => encodeAddress(seedBytes('crowdtrain/bench/hotkey', p.seed, i), 42)
  const member = (uid: number, role: Member['role']): Member => ({
    uid,
    hotkey: address(uid),
    role,
    multiaddrs: [],
    registeredAt: 0,
  })
  return {
    ...p,
    storage: createMemoryStorage(),
    plan: planShards(p.genesis.params, p.config.shards.count),
    paramShapes: new Map(createModel(p.task, p.config.model).params.map((t) => [t.name, t.shape])),
    pool: trainingPages(p.task),
    validator: member(0, 'validator'),
    minerMembers: Array.from({ length: p.miners }, (_, i) => member(i + 1, 'miner')),
    owner: address(p.miners + 1),
    states: new Map(),
    smoothed: new Map(),
    bondsPrev: null,
    theta: { params: [...p.genesis.params], momentum: [...p.genesis.momentum] },
  }
}

async function mine(sim: Sim, { round, baseCid, baseParams, baseRound, parentCid, hash }: RoundInput) {
  // Pipelined: θ_r, newer than the base, reaches the miners at step `rebaseAt` of their training.
  const newer = sim.theta.params
  const k = sim.rebaseAt
  const rebase =
    k !== undefined && parentCid !== baseCid ? (step: number) => (step >= k ? newer : undefined) : undefined
  const assigned = new Map<string, number[]>()
  const reveals: DeltaRevealEntry[] = []
  let deltaBytes = 0
  let denseBytes = 0
  const bytesByUid = new Map<number, number>()
  for (const m of sim.minerMembers) {
    const { rotateEvery } = sim.config.shards
    const shard = shardForMiner({ uid: m.uid, round, rotateEvery, shardCount: sim.plan.count })
    const pages = assignPages({
      datasetId: sim.task.datasetId,
      pool: sim.pool,
      hotkey: m.hotkey,
      round,
      blockHash: hash('first'),
      count: sim.config.task.pagesPerMiner,
    })
    assigned.set(m.hotkey, pages)
    const delta = await produceDelta({
      ...{ task: sim.task, config: sim.config, params: baseParams, plan: sim.plan, shard, pages },
      ...{ hotkey: m.hotkey, round, baseCid, baseRound, backend: sim.backend, storage: sim.storage, rebase },
      logger: sim.logger,
      // As a real miner: the residual and moments of this shard, from the last round it trained it.
      trainState: sim.states.get(stateKey(m.uid, shard)),
    })
    sim.states.set(stateKey(m.uid, shard), delta.trainState)
    deltaBytes += delta.bytes
    denseBytes += delta.bytes * delta.ratio
    bytesByUid.set(m.uid, delta.bytes)
    reveals.push({ uid: m.uid, hotkey: m.hotkey, shard, cid: delta.cid, block: 0, index: m.uid })
  }
  return { assigned, reveals, deltaBytes, denseBytes, bytesByUid }
}

async function score(
  sim: Sim,
  { round, baseCid, baseParams, parentCid, hash }: RoundInput,
  mined: Awaited<ReturnType<typeof mine>>,
) {
  // Pipelined rounds are scored at θ_r, which the settlement steps from (validator `scoringBase`).
  const pipelined = sim.config.round.staleness > 0
  const evalPages = drawEvalPages({
    pool: unassignedPages(sim.pool, [...mined.assigned.values()]),
    evalSeed: hash('eval-seed'),
    closeBlockHash: hash('close'),
    count: sim.config.task.evalPages,
  })
  const measurements = await evaluateRound({
    ...{ task: sim.task, config: sim.config, plan: sim.plan, paramShapes: sim.paramShapes, backend: sim.backend },
    losses: sim.losses,
    ...{ storage: sim.storage, round, reveals: mined.reveals, allowedBases: new Set([baseCid]), evalPages },
    ...(pipelined ? { scoreAt: parentCid } : {}),
    loadParams: async (cid) => [...(pipelined && cid === parentCid ? sim.theta.params : baseParams)],
    assignedPages: mined.assigned,
    proofSeed: [hash('eval-seed'), hash('close')],
    fetchTimeoutMs: 10_000,
    logger: sim.logger,
  })
  const rows = scoreRound(measurements)
  const current = new Map(rows.map((r) => [r.hotkey, r.score]))
  sim.smoothed = smoothScores(
    sim.smoothed,
    current,
    sim.minerMembers.map((m) => m.hotkey),
  )
  const weights = weightsFromScores(new Map(sim.minerMembers.map((m) => [m.uid, sim.smoothed.get(m.hotkey) ?? 0])))
  const report = buildScoreReport({ netuid: NETUID, round, validator: sim.validator.hotkey, evalPages, rows })
  const reportCid = (await sim.storage.add(new TextEncoder().encode(canonicalJson(report)))).toString()
  return { rows, weights, report, reportCid }
}

async function settle(
  sim: Sim,
  { round, parentCid }: RoundInput,
  reveals: readonly DeltaRevealEntry[],
  scored: Awaited<ReturnType<typeof score>>,
) {
  const { validator } = sim
  const outcome = computeRoundOutcome({
    subnet: { netuid: NETUID, config: sim.config, owner: sim.owner },
    round,
    members: [validator, ...sim.minerMembers],
    deltaReveals: reveals,
    weightReveals: [
      { uid: validator.uid, hotkey: validator.hotkey, weights: scored.weights, reportCid: scored.reportCid },
    ],
    reports: new Map([[validator.uid, scored.report]]),
    stake: new Map([[validator.uid, 1_000_000n]]),
    bondsPrev: sim.bondsPrev,
    theta: sim.theta,
    deltas: await decodedDeltas(sim, reveals, round),
    parentCid,
  })
  const next = await buildOutcomeCheckpoint({ outcome, task: sim.task, config: sim.config, backend: sim.backend })
  sim.bondsPrev = bondsFromSparse(outcome.ledger.bonds, sim.minerMembers.length + 1)
  sim.theta = { params: outcome.params, momentum: outcome.momentum }
  return {
    files: next.files,
    reportLoss: next.reportLoss,
    accepted: outcome.accepted.map((a) => a.uid),
    usedUids: outcome.used.map((u) => u.uid),
  }
}

// Dense deltas by CID, fetched and decoded strictly as validators do before settling.
async function decodedDeltas(sim: Sim, reveals: readonly DeltaRevealEntry[], round: number) {
  const out = new Map<string, NamedTensor[]>()
  for (const r of reveals) {
    const shapes = sim.plan.shards[r.shard].names.map((name) => ({ name, shape: sim.paramShapes.get(name) ?? [] }))
    const got = await fetchDelta({
      ...{ storage: sim.storage, cid: r.cid, hotkey: r.hotkey, round, shard: r.shard, shapes, config: sim.config },
      timeoutMs: 10_000,
      logger: sim.logger,
    })
    if (got.valid) out.set(r.cid, got.decoded.delta)
  }
  return out
}
