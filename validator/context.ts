import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { KeyringPair } from '@polkadot/keyring/types'
import { z } from 'zod'
import type { ChainClient } from '../chain/index.ts'
import type { Backend } from '../shared/backend/index.ts'
import { loadCheckpoint, type ParsedCheckpoint } from '../shared/checkpoint/index.ts'
import type { LossEvaluator } from '../shared/eval/index.ts'
import type { Logger } from '../shared/logger/index.ts'
import type { ModelSpec } from '../shared/model/index.ts'
import type { ShardPlan } from '../shared/shards/index.ts'
import type { Storage } from '../shared/storage/index.ts'
import type { Task } from '../shared/tasks/index.ts'
import type { ChainView } from './chainView.ts'
import { CheckpointUnavailableError, ValidatorStateError } from './errors.ts'
import type { ValidatorFaults } from './faults/index.ts'
import { writeJsonAtomic } from './roundState.ts'
import type { SubnetView } from './subnetView.ts'
import type { ValidatorEvent } from './validatorEvents.ts'

/** Everything a round step needs, built once at start. */
export type ValidatorContext = {
  client: ChainClient
  storage: Storage
  pair: KeyringPair
  netuid: number
  dataDir: string
  backend: Backend
  /** Eval losses, on the scoring workers (`--workers`). */
  losses: LossEvaluator
  /** Reports progress (metrics); never throws. */
  emit(e: ValidatorEvent): void
  logger: Logger
  view: SubnetView
  task: Task
  spec: ModelSpec
  plan: ShardPlan
  paramShapes: Map<string, number[]>
  chain: ChainView
  /** A checkpoint by CID, fetched, parsed strictly and pinned once. */
  checkpoint(cid: string, signal?: AbortSignal): Promise<ParsedCheckpoint>
  fetchTimeoutMs: number
  /** How long a non-proposer waits for the proposal before proposing its own settle call. */
  proposalTimeoutMs: number
  /** Faults committed on purpose (robustness tests, `--faulty`); absent or empty for an honest validator. */
  faults?: ValidatorFaults
  /** Miner hotkeys whose deltas this validator treats as unfetchable (a mocked network fault, tests only). */
  unreachable?: ReadonlySet<string>
}

/** A checkpoint loader that keeps the last few checkpoints in memory and pins what it loads. */
export function checkpointCache(
  p: Pick<ValidatorContext, 'storage' | 'view' | 'task' | 'fetchTimeoutMs' | 'logger'>,
  keep = 3,
): ValidatorContext['checkpoint'] {
  const cache = new Map<string, Promise<ParsedCheckpoint>>()
  return (cid, signal) => {
    let hit = cache.get(cid)
    if (!hit) {
      hit = (async () => {
        try {
          const ck = await loadCheckpoint(p.storage, cid, {
            config: p.view.config,
            task: p.task,
            timeoutMs: p.fetchTimeoutMs,
            signal,
          })
          await p.storage.pin(cid, { signal }).catch((err) => p.logger.warn('checkpoint not pinned', { cid, err }))
          return ck
        } catch (err) {
          throw new CheckpointUnavailableError(cid, err)
        }
      })()
      hit.catch(() => cache.delete(cid))
      cache.set(cid, hit)
      while (cache.size > keep) cache.delete(cache.keys().next().value as string)
    }
    return hit
  }
}

const scoresSchema = z
  .object({ round: z.number().int(), scores: z.record(z.string(), z.number().finite().nonnegative()) })
  .strict()

/** The smoothed scores (hotkey → EMA) and the last round folded in. */
export type SmoothedScores = { round: number; scores: Map<string, number> }

/** Reads `<dataDir>/scores.json`; empty (round −1) when absent. */
export async function loadScores(dataDir: string): Promise<SmoothedScores> {
  const path = join(dataDir, 'scores.json')
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { round: -1, scores: new Map() }
    throw new ValidatorStateError(path, 'it cannot be read', err)
  }
  try {
    const parsed = scoresSchema.parse(JSON.parse(text))
    return { round: parsed.round, scores: new Map(Object.entries(parsed.scores)) }
  } catch (err) {
    throw new ValidatorStateError(path, 'it does not parse', err)
  }
}

/** Writes `<dataDir>/scores.json` atomically. */
export async function saveScores(dataDir: string, s: SmoothedScores): Promise<void> {
  await writeJsonAtomic(join(dataDir, 'scores.json'), { round: s.round, scores: Object.fromEntries(s.scores) })
}
