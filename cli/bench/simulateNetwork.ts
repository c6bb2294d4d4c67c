import { u8aToHex } from '@polkadot/util'
import { encodeAddress } from '@polkadot/util-crypto'
import { bondsFromSparse } from '../../chain/consensus/index.ts'
import { buildOutcomeCheckpoint, computeRoundOutcome } from '../../chain/ledger/index.ts'
import { type DeltaRevealEntry, type Member, weightsFromScores } from '../../chain/protocol/index.ts'
import { produceDelta, type TrainState } from '../../miner/index.ts'
import type { Backend } from '../../shared/backend/index.ts'
import type { CrowdtrainConfig } from '../../shared/config/index.ts'
import type { Logger } from '../../shared/logger/index.ts'
import { createModel } from '../../shared/model/index.ts'
import { canonicalJson } from '../../shared/p2p/index.ts'
import { seedBytes } from '../../shared/random.ts'
import { planShards } from '../../shared/shards/index.ts'
import { createMemoryStorage, type FileEntry } from '../../shared/storage/index.ts'
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
  /** θ_0: the genesis checkpoint's files, parameters and (zero) outer momentum, in model order. */
  genesis: { files: FileEntry[]; params: readonly NamedTensor[]; momentum: readonly NamedTensor[] }
  miners: number
  rounds: number
  /** Seeds the hotkeys and the stand-in block hashes (page assignment, eval pages). */
  seed: number
  logger: Logger
  onRound?: (r: SimulatedRound) => void
}

/** One simulated round. */
export type SimulatedRound = {
  round: number
  /** Report-split loss of θ_{r+1}. */
  lossAfter: number
  /** Uids whose deltas the round aggregated. */
  accepted: number[]
  /** Miners the validator scored zero, with its reason. */
  zeros: { uid: number; reason: string }[]
  /** Encoded delta files the miners uploaded. */
  deltaBytes: number
  /** One checkpoint directory (model, outer state, manifest) that every miner downloads. */
  checkpointBytes: number
}

/** What `simulateNetwork` measured. */
export type SimulateNetworkReturnType = { rounds: SimulatedRound[]; params: NamedTensor[]; tokens: number }

const NETUID = 1

/**
 * The network's training algorithm in one process, through the code the participants run: each
 * miner's `produceDelta` (its shard and pages as on chain, H AdamW steps, top-k with error
 * feedback, encoded delta file), one validator's `evaluateRound` + `scoreRound` + smoothed weights
 * and score report, then `computeRoundOutcome` (Yuma consensus, acceptance, per-shard aggregation
 * and the outer Nesterov step). Chain and IPFS are replaced by their results: a memory store,
 * block hashes drawn from the seed, one validator holding all the stake.
 */
export async function simulateNetwork(p: SimulateNetworkParameters): Promise<SimulateNetworkReturnType> {
  const { config, task, backend } = p
  const storage = createMemoryStorage()
  const spec = createModel(task, config.model)
  const plan = planShards(p.genesis.params, config.shards.count)
  const paramShapes = new Map(spec.params.map((t) => [t.name, t.shape]))
  const address = (i: number) => encodeAddress(seedBytes('crowdtrain/bench/hotkey', p.seed, i), 42)
  const validator: Member = { uid: 0, hotkey: address(0), role: 'validator', multiaddrs: [], registeredAt: 0 }
  const miners: Member[] = Array.from({ length: p.miners }, (_, i) => ({
    uid: i + 1,
    hotkey: address(i + 1),
    role: 'miner',
    multiaddrs: [],
    registeredAt: 0,
  }))
  const pool = trainingPages(task)
  const states = new Map<number, TrainState>()
  let smoothed = new Map<string, number>()
  let bondsPrev: bigint[][] | null = null
  let theta = { params: [...p.genesis.params], momentum: [...p.genesis.momentum] }
  let files = p.genesis.files
  const out: SimulatedRound[] = []
  for (let round = 0; round < p.rounds; round++) {
    const hash = (what: string) => u8aToHex(seedBytes('crowdtrain/bench/block', p.seed, round, what)) as `0x${string}`
    // 1. θ_r: the checkpoint directory every miner downloads.
    const baseCid = (await storage.add(files)).toString()
    const checkpointBytes = files.reduce((n, f) => n + f.content.length, 0)
    // 2. Every miner trains its shard on its pages and uploads the encoded delta.
    const assigned = new Map<string, number[]>()
    const reveals: DeltaRevealEntry[] = []
    let deltaBytes = 0
    for (const m of miners) {
      const shard = shardForMiner({
        uid: m.uid,
        round,
        rotateEvery: config.shards.rotateEvery,
        shardCount: plan.count,
      })
      const pages = assignPages({
        datasetId: task.datasetId,
        pool,
        hotkey: m.hotkey,
        round,
        blockHash: hash('first'),
        count: config.task.pagesPerMiner,
      })
      assigned.set(m.hotkey, pages)
      const delta = await produceDelta({
        task,
        config,
        params: theta.params,
        plan,
        shard,
        pages,
        hotkey: m.hotkey,
        round,
        baseCid,
        backend,
        trainState: states.get(m.uid),
        storage,
        logger: p.logger,
      })
      states.set(m.uid, delta.trainState)
      deltaBytes += delta.bytes
      reveals.push({ uid: m.uid, hotkey: m.hotkey, shard, cid: delta.cid, block: 0, index: m.uid })
    }
    // 3. The validator measures and scores every delta, smooths the scores and reports.
    const evalPages = drawEvalPages({
      pool: unassignedPages(pool, [...assigned.values()]),
      evalSeed: hash('eval-seed'),
      closeBlockHash: hash('close'),
      count: config.task.evalPages,
    })
    const measurements = await evaluateRound({
      task,
      config,
      plan,
      paramShapes,
      backend,
      storage,
      round,
      reveals,
      allowedBases: new Set([baseCid]),
      loadParams: async () => theta.params,
      evalPages,
      assignedPages: (hotkey) => assigned.get(hotkey) ?? [],
      fetchTimeoutMs: 10_000,
      logger: p.logger,
    })
    const rows = scoreRound(measurements)
    smoothed = smoothScores(
      smoothed,
      new Map(rows.map((r) => [r.hotkey, r.score])),
      miners.map((m) => m.hotkey),
    )
    const weights = weightsFromScores(new Map(miners.map((m) => [m.uid, smoothed.get(m.hotkey) ?? 0])))
    const report = buildScoreReport({ netuid: NETUID, round, validator: validator.hotkey, evalPages, rows })
    const reportCid = (await storage.add(new TextEncoder().encode(canonicalJson(report)))).toString()
    // 4. Settlement: the validators' outcome function on the decoded deltas.
    const deltas = await decodedDeltas(reveals, round)
    const outcome = computeRoundOutcome({
      subnet: { netuid: NETUID, config, owner: address(p.miners + 1) },
      round,
      members: [validator, ...miners],
      deltaReveals: reveals,
      weightReveals: [{ uid: validator.uid, hotkey: validator.hotkey, weights, reportCid }],
      reports: new Map([[validator.uid, report]]),
      stake: new Map([[validator.uid, 1_000_000n]]),
      bondsPrev,
      theta,
      deltas,
      parentCid: baseCid,
    })
    const next = await buildOutcomeCheckpoint({ outcome, task, config, backend })
    bondsPrev = bondsFromSparse(outcome.ledger.bonds, miners.length + 1)
    theta = { params: outcome.params, momentum: outcome.momentum }
    files = next.files
    const r: SimulatedRound = {
      round,
      lossAfter: next.reportLoss,
      accepted: outcome.accepted.map((a) => a.uid),
      zeros: rows.filter((x) => x.score === 0).map((x) => ({ uid: x.uid, reason: x.reason ?? 'zero' })),
      deltaBytes,
      checkpointBytes,
    }
    p.onRound?.(r)
    out.push(r)
  }
  const tokensPerStep = config.train.batch * (task.kind === 'lm' ? config.model.context : 1)
  return { rounds: out, params: theta.params, tokens: p.rounds * p.miners * config.train.innerSteps * tokensPerStep }

  // Dense deltas by CID, decoded strictly as validators fetch them before settling.
  async function decodedDeltas(reveals: readonly DeltaRevealEntry[], round: number) {
    const out = new Map<string, NamedTensor[]>()
    for (const r of reveals) {
      const shapes = plan.shards[r.shard].names.map((name) => ({ name, shape: paramShapes.get(name) ?? [] }))
      const got = await fetchDelta({
        storage,
        cid: r.cid,
        hotkey: r.hotkey,
        round,
        shard: r.shard,
        shapes,
        config,
        timeoutMs: 10_000,
        logger: p.logger,
      })
      if (got.valid) out.set(r.cid, got.decoded.delta)
    }
    return out
  }
}
