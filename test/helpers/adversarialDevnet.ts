import { expect } from 'vitest'
import { type DevnetResult, devnetConfig, type MinerSummary } from '../../cli/devnet/index.ts'
import type { AdversaryKind } from '../../miner/index.ts'
import { loadCheckpoint, type ParsedCheckpoint } from '../../shared/checkpoint/index.ts'
import { silentLogger } from '../../shared/logger/index.ts'
import { createHeliaStorage, type HeliaStorage } from '../../shared/storage/index.ts'
import { loadTask } from '../../shared/tasks/index.ts'
import { spawnServedDevnet } from './servedDevnet.ts'
import { testDir } from './testDir.ts'

/** A served tiny devnet with adversarial miners, and each settled round's checkpoint fetched from it. */
export type AdversarialDevnet = {
  result: DevnetResult & { ready?: boolean; ipfs?: string[] }
  checkpoints: Map<number, ParsedCheckpoint>
  /** The devnet's stderr tail, for failure messages. */
  stderr(): string
  /** Each settled round's rows of the adversary processes of `kind`. */
  rowsOf(kind: AdversaryKind): MinerSummary[][]
  stop(): Promise<void>
}

/**
 * Starts `crowdtrain devnet` as a user would (2 honest miners, 2 validators, 2 rounds, tiny preset,
 * one shard so a sybil pair trains one shard whatever uids it draws, `--serve`, plus `sets` as
 * `--set` overrides) with one adversary per kind, waits for the ready line, then loads every settled
 * checkpoint from the owner's node.
 */
export async function startAdversarialDevnet(
  kinds: readonly AdversaryKind[],
  sets: readonly string[] = [],
  validators = 2,
): Promise<AdversarialDevnet> {
  const dir = testDir('robustness-')
  const { proc, result, stderr } = await spawnServedDevnet([
    ...['--miners', '2', '--validators', String(validators), '--rounds', '2', '--preset', 'tiny'],
    ...['--set', 'shards.count=1'],
    ...sets.flatMap((s) => ['--set', s]),
    ...['--dir', dir, '--window-timeout', '300'],
    ...kinds.flatMap((k) => ['--adversary', k]),
  ])
  const stop = async () => {
    if (proc.exitCode !== null) return
    const exited = new Promise((resolve) => proc.once('exit', resolve))
    proc.kill('SIGTERM')
    await exited
  }
  const checkpoints = await fetchCheckpoints(result, sets).catch(async (err) => {
    await stop()
    throw err
  })
  return {
    result,
    checkpoints,
    stderr,
    rowsOf(kind) {
      const hotkeys = new Set((result.adversaries ?? []).filter((a) => a.kind === kind).map((a) => a.hotkey))
      return result.rounds.map((r) => r.miners.filter((m) => hotkeys.has(m.hotkey)))
    },
    stop,
  }
}

// Loads (strictly parsed) every settled round's checkpoint from the devnet owner's node, as a researcher would.
async function fetchCheckpoints(
  result: AdversarialDevnet['result'],
  sets: readonly string[],
): Promise<Map<number, ParsedCheckpoint>> {
  // The devnet's config: the tiny preset, its round clock, the one-shard override and the caller's.
  const config = devnetConfig({ preset: 'tiny', rounds: 2, sets: ['shards.count=1', ...sets] })
  const task = loadTask(config.task.name, config)
  const storage: HeliaStorage = await createHeliaStorage({
    dir: testDir('robustness-fetch-'),
    listen: ['/ip4/127.0.0.1/tcp/0'],
    peers: result.ipfs ?? [],
    logger: silentLogger,
  })
  await storage.start()
  const out = new Map<number, ParsedCheckpoint>()
  try {
    for (const r of result.rounds)
      out.set(r.round, await loadCheckpoint(storage, r.checkpointCid, { config, task, timeoutMs: 120_000 }))
  } finally {
    await storage.stop()
  }
  return out
}

/**
 * The kind earned nothing in any round, none of its deltas is in a checkpoint, and every report row
 * names the case — or, with `byConsensus`, a majority of each round's reports does (a statistical check
 * may let a delta through in one validator's report; Yuma clips a weight only a minority gave).
 */
export function expectRefused(net: AdversarialDevnet, kind: AdversaryKind, reason: RegExp, byConsensus = false): void {
  const rounds = net.rowsOf(kind)
  for (const [i, ms] of rounds.entries()) {
    const round = net.result.rounds[i].round
    const used = net.checkpoints.get(round)?.manifest.deltas ?? []
    for (const m of ms) {
      expect(m.reward, `${m.name} round ${round}`).toBe('0')
      expect(used.map((d) => d.hotkey)).not.toContain(m.hotkey)
    }
  }
  // stale and replay have nothing to send in the first round; from the second on every report names them.
  const said = rounds.flat().flatMap((m) => m.reasons ?? [])
  expect(said.length, net.stderr().slice(-2000)).toBeGreaterThan(0)
  if (!byConsensus) {
    for (const x of said) {
      expect(x.score).toBe(0)
      expect(x.reason).toMatch(reason)
    }
    return
  }
  for (const m of rounds.flat()) {
    const rows = m.reasons ?? []
    const refused = rows.filter((x) => x.score === 0 && reason.test(x.reason))
    expect(refused.length * 2, `${m.name}: ${JSON.stringify(rows)}`).toBeGreaterThan(rows.length)
  }
}

/** Every settled round's checkpoint was fetched and parsed, and it folds in only deltas of paid miners. */
export function expectCheckpointsClean(net: AdversarialDevnet): void {
  for (const r of net.result.rounds) {
    const cp = net.checkpoints.get(r.round)
    expect(cp, `round ${r.round}`).toBeDefined()
    const paid = new Set(r.miners.filter((m) => BigInt(m.reward) > 0n).map((m) => m.hotkey))
    expect(cp?.manifest.deltas.length).toBeGreaterThan(0)
    for (const d of cp?.manifest.deltas ?? []) expect(paid.has(d.hotkey), d.hotkey).toBe(true)
  }
}
