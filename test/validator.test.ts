import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { KeyringPair } from '@polkadot/keyring/types'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import {
  type ChainClient,
  commitDelta,
  connect,
  type Devchain,
  devKeypair,
  readBalances,
  readMetagraph,
  readSettledRounds,
  register,
  revealDelta,
  startDevchain,
} from '../chain/index.ts'
import { MAX_LEDGER_BYTES, parseLedger, parseScoreReport } from '../chain/ledger/index.ts'
import { type RoundSchedule, scheduleFromConfig, type WindowAt } from '../chain/protocol/index.ts'
import { createNetworkSubnet } from '../chain/subnet/index.ts'
import { type Backend, initBackend } from '../shared/backend/index.ts'
import { loadCheckpoint } from '../shared/checkpoint/index.ts'
import { compressDelta, encodeDelta } from '../shared/codec/index.ts'
import { applyOverrides, type CrowdtrainConfig, presetConfig } from '../shared/config/index.ts'
import { createLogger, silentLogger } from '../shared/logger/index.ts'
import { createModel } from '../shared/model/index.ts'
import { seedBytes } from '../shared/random.ts'
import { planShards } from '../shared/shards/index.ts'
import { createMemoryStorage, type Storage } from '../shared/storage/index.ts'
import { assignPages, loadTask, shardForMiner, trainingPages } from '../shared/tasks/index.ts'
import { trainShard } from '../shared/train/index.ts'
import { createValidator, loadRoundState, type Validator } from '../validator/index.ts'

const NETUID = 11
const HOLD_MS = 60_000
// VALIDATOR_TEST_LOG=debug shows the validators' logs.
const logger = process.env.VALIDATOR_TEST_LOG
  ? createLogger({ level: process.env.VALIDATOR_TEST_LOG as 'debug' })
  : silentLogger

let devchain: Devchain
let client: ChainClient
let storage: Storage
let backend: Backend
let dir: string
let config: CrowdtrainConfig
let validators: KeyringPair[]
let miners: KeyringPair[]
const services: Validator[] = []

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'validator-it-'))
  config = applyOverrides(presetConfig('tiny'), [
    'round.tempo=14',
    'round.commitBlocks=2',
    'round.revealBlocks=2',
    'round.evaluateBlocks=2',
    'round.weightsRevealBlocks=2',
    'round.graceBlocks=1',
    'train.backend=cpu',
  ])
  devchain = await startDevchain({ logger: silentLogger, clock: { mode: 'manual' } })
  client = await connect({ url: devchain.url, logger: silentLogger })
  storage = createMemoryStorage()
  backend = await initBackend('cpu', silentLogger)
  validators = await Promise.all(['//Alice', '//Bob'].map(devKeypair))
  miners = await Promise.all(['//VMiner1', '//VMiner2'].map(devKeypair))
  await devchain.fund(
    miners.map((m) => m.address),
    10n ** 15n,
  )
}, 120_000)

afterAll(async () => {
  await Promise.all(services.map((s) => s.stop()))
  await client?.disconnect()
  await devchain?.stop()
  if (dir) await rm(dir, { recursive: true, force: true })
})

/** Builds blocks: at once when transactions wait, else only when `ready` says the window's work is done. */
function startClock(schedule: () => RoundSchedule | undefined, ready: (at: WindowAt | null) => Promise<boolean>) {
  let stopped = false
  let since = Date.now()
  let error: Error | undefined
  const loop = (async () => {
    while (!stopped) {
      const pending = devchain.chain.txPool.pendingExtrinsics.length
      const sch = schedule()
      const at = sch ? sch.windowAt(devchain.head() + 1) : null
      if (pending > 0 || (sch !== undefined && (await ready(at)))) {
        await devchain.newBlock()
        since = Date.now()
      } else if (Date.now() - since > HOLD_MS) {
        error = new Error(`held at block ${devchain.head()} (${at?.window} of round ${at?.round}) for too long`)
        return
      }
      await new Promise((r) => setTimeout(r, 150))
    }
  })()
  return {
    async stop() {
      stopped = true
      await loop
      if (error) throw error
    },
    get error() {
      return error
    },
  }
}

describe('validator service on the embedded chain', () => {
  test('default: scores a round, two validators settle it; a validator restarted after its commit still reveals', async () => {
    let schedule: RoundSchedule | undefined
    let ready: (at: WindowAt | null) => Promise<boolean> = async () => false
    const clock = startClock(
      () => schedule,
      (at) => ready(at),
    )
    const created = await createNetworkSubnet({
      client,
      storage,
      owner: await devKeypair('//Dave'),
      validators: validators.map((v) => ({ hotkey: v.address, stakeAccount: v.address })),
      threshold: 2,
      config,
      netuid: NETUID,
      logger: silentLogger,
      backend,
      // Room before round 0 for two miners and two validators to register.
      genesisDelay: 12,
    })
    const sched = scheduleFromConfig(config.round, created.genesisBlock)
    for (const [i, pair] of validators.entries()) {
      const s = createValidator({
        client,
        netuid: NETUID,
        pair,
        dataDir: join(dir, `v${i}`),
        storage,
        backend,
        logger,
        rounds: 1,
        pollMs: 100,
        fetchTimeoutMs: 5_000,
      })
      services.push(s)
      await s.start()
    }

    const task = loadTask(config.task.name, config)
    const spec = createModel(task, config.model)
    const plan = planShards(spec.params, config.shards.count)
    const genesis = await loadCheckpoint(storage, created.genesisCid, { config, task })
    const done = { committed: new Set<string>(), revealed: new Set<string>() }
    const cids = new Map<string, { cid: string; shard: number }>()
    let round = -1
    let honest = true
    let restart: (() => Promise<void>) | undefined

    // Miner 1 trains honestly on its pages; miner 2 publishes bytes that are no delta at all.
    async function produce(r: number): Promise<void> {
      const firstHash = (await client.api.rpc.chain.getBlockHash(sched.forRound(r).trainBlock)).toHex()
      const members = (await readMetagraph(client, { netuid: NETUID, maxUids: 16, immunityBlocks: 0 })).rows
      for (const [k, m] of miners.entries()) {
        const uid = members.find((x) => x.hotkey === m.address)!.uid
        const shard = shardForMiner({
          uid,
          round: r,
          rotateEvery: config.shards.rotateEvery,
          shardCount: config.shards.count,
        })
        let bytes: Uint8Array
        if (k === 0 && honest) {
          const pages = assignPages({
            datasetId: task.datasetId,
            pool: trainingPages(task),
            hotkey: m.address,
            round: r,
            blockHash: firstHash as `0x${string}`,
            count: config.task.pagesPerMiner,
          })
          const trained = await trainShard({
            task,
            modelConfig: config.model,
            params: genesis.params,
            plan,
            shard,
            pages,
            seed: seedBytes(m.address, r),
            train: config.train,
            backend,
          })
          const { compressed } = compressDelta(trained.delta, undefined, config.compress)
          bytes = encodeDelta(compressed, {
            task: config.task.name,
            round: r,
            shard,
            baseCid: created.genesisCid,
            hotkey: m.address,
          })
        } else {
          bytes = new TextEncoder().encode('not a delta')
        }
        cids.set(m.address, { cid: (await storage.add(bytes)).toString(), shard })
      }
    }

    const sent = new Set<string>()
    const fire = (key: string, fn: () => Promise<unknown>) => {
      if (sent.has(key)) return
      sent.add(key)
      fn().catch((err) => console.error(key, err))
    }
    const validatorState = (i: number, r: number) => loadRoundState(join(dir, `v${i}`), r)

    const produced = new Map<number, Promise<void>>()
    let registered = false
    schedule = sched
    ready = async (at) => {
      if (at === null) {
        // Before round 0: build blocks only for registrations, then run up to genesis.
        registered ||=
          (await readMetagraph(client, { netuid: NETUID, maxUids: 16, immunityBlocks: 0 })).rows.length === 4
        return registered
      }
      if (round < 0) round = at.round
      if (at.round !== round) return at.round < round
      if (at.window === 'commit') {
        if (!produced.has(round)) produced.set(round, produce(round))
        await produced.get(round)
        for (const m of miners) {
          fire(`c${round}${m.address}`, async () => {
            await commitDelta(client, { signer: m, netuid: NETUID, round, cid: cids.get(m.address)!.cid })
            done.committed.add(m.address)
          })
        }
        return done.committed.size === miners.length
      }
      if (at.window === 'reveal') {
        for (const m of miners) {
          const { cid, shard } = cids.get(m.address)!
          fire(`r${round}${m.address}`, async () => {
            await revealDelta(client, { signer: m, netuid: NETUID, round, shard, cid })
            done.revealed.add(m.address)
          })
        }
        return done.revealed.size === miners.length
      }
      const states = await Promise.all(validators.map((_, i) => validatorState(i, round)))
      if (at.window === 'evaluate') {
        if (restart && states[0]?.committed) {
          await restart()
          restart = undefined
        }
        return states.every((s) => s?.committed)
      }
      if (at.window === 'weightsReveal') return states.every((s) => s?.revealed)
      return (await readSettledRounds(client, { netuid: NETUID })).rounds.some((x) => x.round === round)
    }

    for (const m of miners) {
      await register(client, {
        signer: m,
        netuid: NETUID,
        role: 'miner',
        multiaddrs: [],
        treasury: created.treasury,
        fee: 0n,
      })
    }
    await Promise.race([
      Promise.all(services.map((s) => s.done)),
      new Promise((_, reject) => setTimeout(() => reject(clock.error ?? new Error('timed out')), 240_000)),
    ])

    const settled = (await readSettledRounds(client, { netuid: NETUID })).rounds.find((x) => x.round === round)
    expect(settled).toBeDefined()
    const ledger = parseLedger(await storage.get(settled!.ledgerCid, { maxBytes: MAX_LEDGER_BYTES }))
    expect(ledger.revealed).toHaveLength(2)
    expect(ledger.reports).toHaveLength(2)
    const report = parseScoreReport(await storage.get(ledger.reports[0][1], { maxBytes: 1 << 20 }))
    const rows = miners.map((m) => report.report.rows.find((r) => r.hotkey === m.address)!)
    expect(report.report.rows).toHaveLength(2)
    // The garbage upload scores zero with the decoder's reason; the honest delta is fetched and valid.
    expect(rows[1]).toMatchObject({ fetched: true, valid: false, score: 0 })
    expect(rows[1].reason).toMatch(/header|truncated|safetensors/i)
    expect(rows[0]).toMatchObject({ fetched: true, valid: true })
    expect(rows[0].score > 0 || rows[0].reason !== undefined).toBe(true)
    // Admission follows this round's scores: a delta enters only when validators holding more than half
    // of the stake (here: both, equal stake) scored it positive.
    const reports = await Promise.all(
      ledger.reports.map(async ([, cid]) => parseScoreReport(await storage.get(cid, { maxBytes: 1 << 20 })).report),
    )
    const approved = miners
      .map((m) => m.address)
      .filter((a) => reports.every((r) => (r.rows.find((x) => x.hotkey === a)?.score ?? 0) > 0))
    expect(ledger.accepted.map((a) => a.hotkey)).toEqual(approved)
    const state = await validatorState(0, round)
    expect(state).toMatchObject({ committed: true, revealed: true, settled: true })
    // Each validator pulled what the settlement approved to it.
    const balances = await readBalances(client, {
      addresses: validators.map((v) => v.address),
      assetId: created.assetId,
      treasury: created.treasury,
    })
    for (const v of validators) {
      const paid = ledger.payouts.find((x) => x.address === v.address)
      expect(balances.get(v.address)?.asset).toBe(BigInt(paid?.amount ?? 0))
      expect(balances.get(v.address)?.approved).toBe(0n)
    }

    // Round 1: validator 0 is stopped right after its commit and started afresh on the same data.
    const start = async (i: number) => {
      const s = createValidator({
        client,
        netuid: NETUID,
        pair: validators[i],
        dataDir: join(dir, `v${i}`),
        storage,
        backend,
        logger,
        pollMs: 100,
        fetchTimeoutMs: 5_000,
      })
      services.push(s)
      await s.start()
      return s
    }
    const first = await start(0)
    await start(1)
    restart = async () => {
      await first.stop()
      await start(0)
    }
    honest = false
    done.committed.clear()
    done.revealed.clear()
    round += 1
    const next = round
    await new Promise<void>((resolve, reject) => {
      const poll = setInterval(async () => {
        if (clock.error) {
          clearInterval(poll)
          reject(clock.error)
        }
        if ((await readSettledRounds(client, { netuid: NETUID })).rounds.some((x) => x.round === next)) {
          clearInterval(poll)
          resolve()
        }
      }, 300)
    })
    await clock.stop()
    expect(restart).toBeUndefined()
    const settledNext = (await readSettledRounds(client, { netuid: NETUID })).rounds.find((x) => x.round === next)
    const ledgerNext = parseLedger(await storage.get(settledNext!.ledgerCid, { maxBytes: MAX_LEDGER_BYTES }))
    expect(ledgerNext.revealed).toHaveLength(2)
    expect(ledgerNext.parent).toBe(ledger.checkpoint)
    expect(await validatorState(0, next)).toMatchObject({ committed: true, revealed: true })
  }, 300_000)
})
