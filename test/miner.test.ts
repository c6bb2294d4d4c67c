import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { KeyringPair } from '@polkadot/keyring/types'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type ChainClient,
  collectRegistrations,
  collectRound,
  connect,
  type Devchain,
  devKeypair,
  type RoundSchedule,
  readRound,
  scheduleFromConfig,
  startDevchain,
} from '../chain/index.ts'
import { createNetworkSubnet } from '../chain/subnet/index.ts'
import { createMiner, type Miner, type MinerProgress, type MinerState } from '../miner/index.ts'
import { type Backend, initBackend } from '../shared/backend/index.ts'
import { decodeDelta, decodeSafetensors } from '../shared/codec/index.ts'
import { type CrowdtrainConfig, presetConfig } from '../shared/config/index.ts'
import { createLogger, silentLogger } from '../shared/logger/index.ts'
import { createModel, type ModelSpec } from '../shared/model/index.ts'
import { planShards } from '../shared/shards/index.ts'
import { createHeliaStorage, type HeliaStorage } from '../shared/storage/index.ts'
import { loadTask } from '../shared/tasks/index.ts'

const NETUID = 11
const FEE = 10n ** 9n
// MINER_TEST_LOG=debug shows the miner's log lines when a run needs explaining.
const minerLog = process.env.MINER_TEST_LOG ? createLogger({ level: 'debug' }) : silentLogger

let devchain: Devchain
let client: ChainClient
let storage: HeliaStorage
let backend: Backend
let dir: string
let miner: KeyringPair
let config: CrowdtrainConfig
let spec: ModelSpec
let schedule: RoundSchedule
let genesisCid: string
let pump: NodeJS.Timeout
let building = false

/** Builds empty blocks until the head is `target` (waiting for any block the pump is building). */
async function advanceTo(target: number) {
  while (devchain.head() < target) {
    if (!building) await devchain.newBlock()
    else await new Promise((r) => setTimeout(r, 20))
  }
}

/** Resolves with the first progress event of `phase`; `then` runs at that moment (e.g. a kill). */
function progressWatcher() {
  const seen: MinerProgress[] = []
  const waiters: {
    phase: string
    round: number
    resolve: (p: MinerProgress) => void
    reject: (e: Error) => void
  }[] = []
  const isPhase = (w: { phase: string }, p: MinerProgress) => w.phase === p.phase
  return {
    seen,
    onProgress(p: MinerProgress) {
      seen.push(p)
      for (const w of waiters.filter((x) => x.round === p.round)) {
        if (isPhase(w, p)) w.resolve(p)
        else if (p.phase === 'give-up') w.reject(new Error(`miner gave up round ${p.round}: ${p.message}`))
      }
    },
    next(phase: MinerProgress['phase'], round: number) {
      const hit = seen.find((p) => p.phase === phase && p.round === round)
      if (hit) return Promise.resolve(hit)
      return new Promise<MinerProgress>((resolve, reject) => waiters.push({ phase, round, resolve, reject }))
    },
  }
}

function startMiner(watch: ReturnType<typeof progressWatcher>): Miner {
  return createMiner({
    client,
    netuid: NETUID,
    pair: miner,
    dataDir: join(dir, 'miner'),
    storage,
    backend,
    logger: minerLog,
    onProgress: watch.onProgress,
    pollMs: 200,
  })
}

async function readState(): Promise<MinerState> {
  return JSON.parse(await readFile(join(dir, 'miner', 'miner-state.json'), 'utf8'))
}

/** The round's records as validators count them. */
async function counted(round: number) {
  const { remarks } = await readRound(client, { from: 0 })
  const reg = collectRegistrations(remarks, { netuid: NETUID, maxUids: 16, immunityBlocks: 100 })
  const members = new Map([...reg.byHotkey].map(([k, m]) => [k, { uid: m.uid, role: m.role }]))
  return {
    remarks,
    uid: reg.byHotkey.get(miner.address)?.uid,
    ...collectRound({ netuid: NETUID, round, remarks, members, windows: schedule }),
  }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'miner-it-'))
  devchain = await startDevchain({ logger: silentLogger, clock: { mode: 'manual' } })
  client = await connect({ url: devchain.url, logger: silentLogger })
  miner = await devKeypair('//MinerIt')
  await devchain.fund([miner.address], 10n ** 13n)
  // Like the devnet's clock: a block as soon as something waits in the pool.
  pump = setInterval(() => {
    if (building || devchain.chain.txPool.pendingExtrinsics.length === 0) return
    building = true
    devchain
      .newBlock()
      .catch(() => undefined)
      .finally(() => {
        building = false
      })
  }, 50)
  backend = await initBackend('wasm', silentLogger)
  storage = await createHeliaStorage({ dir: join(dir, 'ipfs'), listen: ['/ip4/127.0.0.1/tcp/0'], logger: silentLogger })
  await storage.start()

  // The owner's part: genesis checkpoint, subnet document and chain anchors.
  config = {
    ...presetConfig('tiny'),
    round: {
      tempo: 14,
      commitBlocks: 2,
      revealBlocks: 2,
      evaluateBlocks: 2,
      weightsRevealBlocks: 2,
      graceBlocks: 1,
      staleness: 1,
    },
  }
  const task = loadTask(config.task.name, config)
  spec = createModel(task, config.model)
  const validators = await Promise.all(['//Bob', '//Charlie'].map(devKeypair))
  const subnet = await createNetworkSubnet({
    client,
    storage,
    owner: await devKeypair('//Alice'),
    validators: validators.map((v) => ({ hotkey: v.address, stakeAccount: v.address })),
    threshold: 2,
    config,
    netuid: NETUID,
    logger: silentLogger,
    registrationFee: FEE,
    genesisDelay: 6,
    backend,
    task,
  })
  genesisCid = subnet.genesisCid
  schedule = scheduleFromConfig(config.round, subnet.genesisBlock)
}, 120_000)

afterAll(async () => {
  clearInterval(pump)
  await storage?.stop()
  await client?.disconnect()
  await devchain?.stop()
  await rm(dir, { recursive: true, force: true })
})

describe('miner on the embedded chain', () => {
  it('default: registers, trains, commits and reveals a delta that decodes for its shard', async () => {
    const watch = progressWatcher()
    const m = startMiner(watch)
    await m.start()
    await advanceTo(schedule.forRound(0).firstBlock)
    const commit = await watch.next('commit', 0)
    await advanceTo(schedule.forRound(0).reveal.start - 1)
    const reveal = await watch.next('reveal', 0)
    await m.stop()
    expect(reveal.cid).toBe(commit.cid)

    const rec = await counted(0)
    expect(rec.uid).toBe(0)
    expect(rec.deltaCommits.map((c) => c.uid)).toEqual([0])
    expect(rec.deltaReveals).toMatchObject([{ uid: 0, cid: commit.cid }])
    const shard = rec.deltaReveals[0].shard
    const plan = planShards(spec.params, config.shards.count)
    const shapes = spec.params.filter((p) => plan.shards[shard].names.includes(p.name))
    const bytes = await storage.get(commit.cid as string, { maxBytes: 1 << 24 })
    const decoded = decodeDelta(bytes, {
      shapes,
      maxBytes: 1 << 24,
      maxNorm: 1e6,
      round: 0,
      shard,
      baseCid: genesisCid,
      hotkey: miner.address,
      task: config.task.name,
    })
    expect(decoded.norm).toBeGreaterThan(0)
    expect(await storage.isPinned(commit.cid as string)).toBe(true)
    expect(watch.seen.some((p) => p.phase === 'train' && typeof p.loss === 'number')).toBe(true)
  }, 120_000)

  it('behavior: a miner stopped after its commit resumes, finds its commit on chain, and reveals the same CID', async () => {
    const first = progressWatcher()
    const a = startMiner(first)
    await a.start()
    await advanceTo(schedule.forRound(1).firstBlock)
    const commit = await first.next('commit', 1)
    await a.stop()
    const persisted = (await readState()).rounds.find((e) => e.round === 1)
    expect(persisted).toMatchObject({ cid: commit.cid })
    expect(persisted?.committedAt).toBeTypeOf('number')
    expect(persisted?.revealedAt).toBeUndefined()
    // Same shard two rounds in a row (rotateEvery 2): the Adam moments carried on, 8 + 8 steps.
    const state = await readState()
    const shard = state.rounds.find((e) => e.round === 1)?.shard
    const trainFile = await readFile(
      join(dir, 'miner', state.trains?.find((t) => t.shard === shard)?.file ?? 'missing'),
    )
    expect(decodeSafetensors(new Uint8Array(trainFile)).metadata.step).toBe(String(2 * config.train.innerSteps))

    // As if it died between sending the commit and writing that it landed: the chain must tell it.
    const forgetful = await readState()
    for (const e of forgetful.rounds) if (e.round === 1) delete e.committedAt
    await writeFile(join(dir, 'miner', 'miner-state.json'), JSON.stringify(forgetful))

    const second = progressWatcher()
    const b = startMiner(second)
    await b.start()
    await advanceTo(schedule.forRound(1).reveal.start - 1)
    const reveal = await second.next('reveal', 1)
    await b.stop()
    expect(reveal.cid).toBe(commit.cid)
    // It does not train round 1 again (round 2, pipelined, may train meanwhile).
    expect(second.seen.some((p) => p.phase === 'train' && p.round === 1)).toBe(false)
    const rec = await counted(1)
    expect(rec.deltaReveals).toMatchObject([{ uid: 0, cid: commit.cid }])
    expect(rec.deltaCommits).toHaveLength(1)
    const sentCommits = rec.remarks.filter((r) => r.signer === miner.address && r.text.includes('"delta-commit"'))
    expect(sentCommits.filter((r) => schedule.roundOf(r.block) === 1)).toHaveLength(1)
  }, 120_000)
})
