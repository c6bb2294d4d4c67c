import type { ChildProcess } from 'node:child_process'
import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { readSettledRounds } from '../chain/actions/index.ts'
import { connect } from '../chain/client/index.ts'
import {
  checkRecords,
  diffTensors,
  fieldsDiffering,
  ledgerFieldsFromChain,
  loadTfjsModel,
  openSubnet,
  readLocalCheckpoint,
} from '../cli/checkpoint/index.ts'
import type { DevnetResult } from '../cli/devnet/index.ts'
import { initBackend } from '../shared/backend/index.ts'
import { reportLoss } from '../shared/checkpoint/index.ts'
import { presetConfig } from '../shared/config/index.ts'
import { silentLogger } from '../shared/logger/index.ts'
import { runCliAsync } from './helpers/cli.ts'
import { spawnServedDevnet } from './helpers/servedDevnet.ts'
import { testDir } from './helpers/testDir.ts'

// One small devnet for the whole file, run as a user would run it, with --serve so the chain can
// be checked after the rounds, with the default pipelined rounds (round.staleness 1, as the
// robustness files; sequential rounds run in robustness.failures). The first round also has two faults: validator-1 is killed (SIGKILL)
// once its weights commit is on chain and miner-0 once its delta commit is, and both are restarted;
// each must still get its reveal in. Every participant serves Prometheus metrics (--metrics), scraped
// while the rounds run, and the miners train on two worker threads each (--miner-workers 2).
let result: DevnetResult & { ready?: boolean; ipfs?: string[] }
let proc: ChildProcess
let stdout = () => ''
let stderr = () => ''

/** The last metrics page each participant served while the devnet ran, by name. */
const scraped = new Map<string, string>()

// Every 2 s: each participant's newest `metrics served` URL from its log, fetched.
async function scrapeWhile(dir: string, running: () => boolean): Promise<void> {
  while (running()) {
    for (const run of listDir(dir))
      for (const name of listDir(join(dir, run))) {
        const log = join(dir, run, name, 'log.jsonl')
        if (!existsSync(log)) continue
        const url = [...readFileSync(log, 'utf8').matchAll(/"url":"(http:\/\/127\.0\.0\.1:\d+\/metrics)"/g)].at(-1)?.[1]
        if (!url) continue
        const text = await fetch(url, { signal: AbortSignal.timeout(2000) })
          .then((r) => (r.ok ? r.text() : undefined))
          .catch(() => undefined)
        if (text) scraped.set(name, text)
      }
    await new Promise((resolve) => setTimeout(resolve, 2000))
  }
}

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir)
  } catch {
    return []
  }
}

/** The value of a sample line `name{labels} value` (labels as written, or none). */
function sample(text: string | undefined, name: string): number {
  const line = text?.split('\n').find((l) => l.startsWith(`${name} `))
  return line ? Number(line.slice(name.length + 1)) : Number.NaN
}

beforeAll(async () => {
  const dir = testDir('devnet-e2e-')
  let running = true
  const scraping = scrapeWhile(dir, () => running)
  const devnet = await spawnServedDevnet([
    ...['--miners', '2', '--validators', '2', '--rounds', '2', '--preset', 'tiny', '--dir', dir],
    ...['--window-timeout', '120', '--metrics', '--miner-workers', '2'],
    ...['--chaos', 'kill-validator-after-commit:1', '--chaos', 'kill-miner-after-commit:0'],
  ]).finally(() => {
    running = false
  })
  await scraping
  ;({ proc, result, stdout, stderr } = devnet)
}, 600_000)

afterAll(async () => {
  if (!proc || proc.exitCode !== null) return
  const exited = new Promise<number | null>((resolve) => proc.once('exit', resolve))
  proc.kill('SIGTERM')
  await exited
}, 60_000)

describe('crowdtrain devnet', () => {
  test('default: every round settles with a checkpoint and a ledger on IPFS', () => {
    expect(result.rounds).toHaveLength(2)
    for (const r of result.rounds) {
      expect(r.settled).toBe(true)
      expect(r.checkpointCid).toMatch(/^baf/)
      expect(r.ledgerCid).toMatch(/^baf/)
    }
    expect(result.rounds[1].round).toBe(result.rounds[0].round + 1)
    expect(result.chainUrl).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/)
  })

  test('behavior: the report-split loss is lower after each round than before it', () => {
    for (const r of result.rounds) expect(r.lossAfter, `round ${r.round}`).toBeLessThan(r.lossBefore)
  })

  test('behavior: every miner with a positive score was rewarded, and claimed it', () => {
    const scored = result.rounds.flatMap((r) => r.miners.filter((m) => m.score > 0))
    expect(scored.length).toBeGreaterThan(0)
    for (const m of scored) {
      expect(BigInt(m.reward), m.hotkey).toBeGreaterThan(0n)
      expect(m.claimed, m.hotkey).toBe(true)
    }
  })

  test('behavior: the rewards add up to the minted emission, with the owner cut of the split', () => {
    const { subnet } = presetConfig('tiny')
    for (const r of result.rounds) {
      const paid = [...r.miners, ...r.validators].reduce((sum, x) => sum + BigInt(x.reward), 0n)
      expect(paid + BigInt(r.ownerReward)).toBe(BigInt(r.minted))
      expect(BigInt(r.minted)).toBeLessThanOrEqual(BigInt(r.emission))
      expect(BigInt(r.ownerReward)).toBe((BigInt(r.emission) * BigInt(subnet.ownerBps)) / 10_000n)
    }
  })

  test('behavior: a validator killed after committing weights and restarted still reveals in time', () => {
    const v = result.rounds[0].validators.find((x) => x.name === 'validator-1')
    expect(v, stderr().slice(-2000)).toBeDefined()
    expect(v?.revealed).toBe(true)
  })

  test('behavior: rounds are pipelined: the second round trains on the checkpoint settled before the first began, and every miner has a busy fraction', () => {
    const [first, second] = result.rounds.map((r) => r.round)
    const training = readFileSync(join(result.dir, 'miner-1', 'log.jsonl'), 'utf8')
      .split('\n')
      .filter((l) => l.includes('"msg":"training"'))
      .map((l) => JSON.parse(l) as { round: number; base: string; settledRound: number | null })
    const of = (round: number) => training.find((t) => t.round === round)
    // Round `first` settled before round `second` opened, yet `second` is built on the base `first` had.
    expect(of(second)?.settledRound).toBe(of(first)?.settledRound)
    expect(of(second)?.base).toBe(of(first)?.base)
    for (const name of ['miner-0', 'miner-1']) {
      const b = result.busy?.find((x) => x.name === name)
      expect(b?.busyFraction, name).toBeGreaterThan(0)
      expect(b?.busyFraction, name).toBeLessThanOrEqual(1)
    }
  })

  test('behavior: miners and validators serve Prometheus metrics while they run (--metrics)', () => {
    const miner = scraped.get('miner-1')
    const validator = scraped.get('validator-0')
    expect(miner, [...scraped.keys()].join(', ')).toBeDefined()
    expect(sample(miner, 'crowdtrain_miner_training_steps_total')).toBeGreaterThan(0)
    expect(sample(miner, 'crowdtrain_miner_chain_finalized_head')).toBeGreaterThan(0)
    expect(sample(miner, 'crowdtrain_miner_ipfs_peers')).toBeGreaterThan(0)
    expect(sample(validator, 'crowdtrain_validator_deltas_fetched_total{result="ok"}')).toBeGreaterThan(0)
    expect(sample(validator, 'crowdtrain_validator_delta_fetch_seconds_count')).toBeGreaterThan(0)
    expect(sample(validator, 'crowdtrain_validator_scores_total{result="positive"}')).toBeGreaterThan(0)
    expect(sample(validator, 'crowdtrain_validator_weights_commits_total')).toBeGreaterThan(0)
    expect(sample(validator, 'crowdtrain_validator_chain_finality_lag_blocks')).toBeGreaterThanOrEqual(0)
    // The devnet's summary names each participant's metrics URL, and what it computed on.
    expect(result.compute?.find((c) => c.name === 'miner-1')).toMatchObject({ backend: 'wasm', workers: 2 })
    expect(result.compute?.find((c) => c.name === 'validator-0')?.metrics).toMatch(
      /^http:\/\/127\.0\.0\.1:\d+\/metrics$/,
    )
  })

  test('behavior: a miner killed after its commit and restarted resumes and reveals the same round', () => {
    const m = result.rounds[0].miners.find((x) => x.name === 'miner-0')
    expect(m).toBeDefined()
    expect(m?.revealed).toBe(true)
    expect(m?.accepted).toBe(true)
  })
})

describe('crowdtrain checkpoint (a researcher in a second terminal)', () => {
  // The devnet's miners and validators have stopped: the owner's node (in the ready line) serves what it pinned.
  const net = () => [
    ...['--chain', result.chainUrl, '--netuid', String(result.netuid)],
    ...((result as { ipfs?: string[] }).ipfs ?? []).flatMap((a) => ['--peer', a]),
  ]
  const pulled = testDir('checkpoint-pull-')

  test('default: list --json shows every settled round with its checkpoint, report-split loss and deltas', async () => {
    const r = await runCliAsync(['checkpoint', 'list', ...net(), '--json'])
    expect(r.code, r.stderr).toBe(0)
    const { rounds } = r.lastJson() as { rounds: { round: number; aggregated?: number }[] }
    for (const s of result.rounds)
      expect(rounds).toContainEqual(
        expect.objectContaining({ round: s.round, checkpointCid: s.checkpointCid, lossAfter: s.lossAfter }),
      )
    expect(rounds.some((x) => (x.aggregated ?? 0) > 0)).toBe(true)
  })

  test('default: pull writes the checkpoint and a TensorFlow.js model; its report loss recomputes to the manifest', async () => {
    const r = await runCliAsync(['checkpoint', 'pull', ...net(), '--out', pulled, '--json'])
    expect(r.code, r.stderr).toBe(0)
    const newest = result.rounds.at(-1)
    expect(r.lastJson()).toMatchObject({ round: newest?.round, checkpointCid: newest?.checkpointCid })
    for (const f of ['model.safetensors', 'manifest.json', 'tfjs/model.json'])
      expect(existsSync(join(pulled, f)), f).toBe(true)
    const local = await readLocalCheckpoint(pulled)
    const backend = await initBackend('wasm', silentLogger)
    expect(await reportLoss(local.config, local.task, local.checkpoint.params, backend)).toBe(
      local.checkpoint.manifest.reportLoss,
    )
    const tfjs = await loadTfjsModel(join(pulled, 'tfjs'))
    expect(diffTensors(local.checkpoint.params, tfjs.tensors)).toEqual([])
  }, 120_000)

  // Round 0 by its number; the newest (round 1: pipelined, its deltas trained on genesis, one round stale) by its pulled folder.
  test('default: verify recomputes consensus, payouts and checkpoint of both rounds and exits 0', async () => {
    const first = await runCliAsync(
      ['checkpoint', 'verify', ...net(), '--round', String(result.rounds[0].round), '--json'],
      {},
      240_000,
    )
    expect(first.code, first.stdout + first.stderr).toBe(0)
    expect((first.lastJson() as { checks: { part: string }[] }).checks.map((c) => c.part)).toEqual([
      'records',
      'ledger',
      'consensus',
      'payouts',
      'checkpoint',
    ])
    const withDir = await runCliAsync(['checkpoint', 'verify', ...net(), '--dir', pulled], {}, 240_000)
    expect(withDir.code, withDir.stdout + withDir.stderr).toBe(0)
    expect(withDir.stdout).toMatch(/exactly what the chain settled/)
  }, 500_000)

  test('error: verify of a tampered model.safetensors exits 1 and names the tensor', async () => {
    const tampered = testDir('checkpoint-tampered-')
    cpSync(pulled, tampered, { recursive: true })
    const file = join(tampered, 'model.safetensors')
    const bytes = readFileSync(file)
    const headerLength = Number(bytes.readBigUInt64LE(0))
    const header = JSON.parse(bytes.subarray(8, 8 + headerLength).toString()) as Record<
      string,
      { data_offsets: number[] }
    >
    const name = Object.keys(header).find((k) => k !== '__metadata__') as string
    const at = 8 + headerLength + header[name].data_offsets[0]
    bytes.writeFloatLE(bytes.readFloatLE(at) + 0.5, at)
    writeFileSync(file, bytes)
    const r = await runCliAsync(['checkpoint', 'verify', ...net(), '--dir', tampered], {}, 240_000)
    expect(r.code).toBe(1)
    expect(r.stdout).toContain(`tensor "${name}" differs`)
    expect(r.stdout).toMatch(/MISMATCH in files/)
  }, 250_000)

  test("error: a ledger whose inputs are not the chain's records is named field by field", async () => {
    const net = await openSubnet({
      chain: result.chainUrl as string,
      netuid: result.netuid,
      peers: result.ipfs ?? [],
      timeoutMs: 60_000,
      logger: silentLogger,
    })
    try {
      const view = await net.view()
      const settled = await net.settledRound(result.rounds[1].round)
      const ledger = await net.ledger(settled)
      const fromChain = await ledgerFieldsFromChain(net, view, ledger.round)
      expect(fieldsDiffering(ledger, fromChain)).toEqual([])
      // A settlement resting on a weights reveal the chain never held, a stake it never had, an extra emission.
      const forged = structuredClone(ledger)
      const w = forged.weights[0][1][0]
      w[1] = w[1] === 65_535 ? w[1] - 1 : w[1] + 1
      forged.stake[0][1] = (BigInt(forged.stake[0][1]) * 2n).toString()
      forged.emission = (BigInt(forged.emission) * 2n).toString()
      forged.parent = ledger.checkpoint
      expect(fieldsDiffering(forged, fromChain)).toEqual(['stake', 'weights', 'emission', 'parent'])
      const check = await checkRecords(net, view, forged)
      expect(check.ok).toBe(false)
      expect(check.detail).toMatch(/the ledger's stake, weights, emission, parent differ from what the chain holds/)
    } finally {
      await net.close()
    }
  }, 120_000)

  test('error: verify of a round that is not settled exits 1 and says so', async () => {
    const r = await runCliAsync(['checkpoint', 'verify', ...net(), '--round', '999'])
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/Round 999 of subnet \d+ is not settled on chain/)
  })

  test('default: sample continues a prompt with text from the newest checkpoint', async () => {
    const r = await runCliAsync([
      'checkpoint',
      'sample',
      ...net(),
      '--prompt',
      'Call me Ishmael',
      '--tokens',
      '40',
      '--json',
    ])
    expect(r.code, r.stderr).toBe(0)
    const { text, round } = r.lastJson() as { text: string; round: number }
    expect(round).toBe(result.rounds.at(-1)?.round)
    expect(text).toHaveLength(40)
  })
})

describe('crowdtrain devnet report', () => {
  test('default: the run folder holds report.html and report.json with one entry per settled round', () => {
    expect(result.report).toBe(join(result.dir, 'report.html'))
    const report = JSON.parse(readFileSync(join(result.dir, 'report.json'), 'utf8')) as {
      rounds: { round: number; lossAfter: number }[]
      loss: { value: number }[]
      miners: unknown[]
    }
    expect(report.rounds.map((r) => r.round)).toEqual(result.rounds.map((r) => r.round))
    expect(report.loss.map((p) => p.value)).toEqual([
      result.rounds[0].lossBefore,
      ...result.rounds.map((r) => r.lossAfter),
    ])
    const html = readFileSync(join(result.dir, 'report.html'), 'utf8')
    expect(html.match(/<circle class="point"/g)).toHaveLength(result.rounds.length + 1)
    expect(html.match(/<rect class="bar"/g)).toHaveLength(report.miners.length * result.rounds.length)
  })
})

// Stops the devnet: keep this block last, after every block that talks to the serving devnet.
describe('crowdtrain devnet --serve', () => {
  test('behavior: --serve keeps the chain up with the settled rounds, and SIGTERM stops it cleanly', async () => {
    expect(result.ready).toBe(true)
    const client = await connect({ url: result.chainUrl, logger: silentLogger })
    try {
      const { rounds } = await readSettledRounds(client, { netuid: result.netuid })
      expect(rounds.map((r) => r.ledgerCid)).toEqual(expect.arrayContaining(result.rounds.map((r) => r.ledgerCid)))
    } finally {
      await client.disconnect()
    }
    const exited = new Promise<number | null>((resolve) => proc.once('exit', resolve))
    proc.kill('SIGTERM')
    expect(await exited).toBe(0)
    const last = JSON.parse(stdout().trim().split('\n').pop() as string) as DevnetResult
    expect(last.rounds.map((r) => r.ledgerCid)).toEqual(result.rounds.map((r) => r.ledgerCid))
  }, 60_000)
})
