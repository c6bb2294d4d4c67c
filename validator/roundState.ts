import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { z } from 'zod'
import type { WindowAt } from '../chain/protocol/index.ts'
import { ValidatorStateError } from './errors.ts'

const hex32 = z.string().regex(/^0x[0-9a-f]{64}$/)

/** What a validator keeps on disk per round, so a restart still commits and reveals the same values. */
export const roundStateSchema = z
  .object({
    v: z.literal(1),
    netuid: z.number().int().nonnegative(),
    round: z.number().int().nonnegative(),
    hotkey: z.string().min(1),
    /** Drawn when the round is first seen, before the commit window closes. */
    salt: hex32,
    evalSeed: hex32,
    /** Set once the round is evaluated, BEFORE the commit is sent. */
    weights: z.array(z.tuple([z.number().int().min(0).max(65535), z.number().int().min(0).max(65535)])).optional(),
    reportCid: z.string().min(1).max(128).optional(),
    /** The commit was included (a crash right after sending leaves it false: the chain then decides). */
    committed: z.boolean(),
    /** The reveal was included, or there was no counted commit to reveal. */
    revealed: z.boolean(),
    /** The round's settlement executed (by this validator's approval or another's). */
    settled: z.boolean(),
  })
  .strict()

/** The per-round state of a validator. */
export type RoundState = z.infer<typeof roundStateSchema>

/** What the validator should do next for a round, given its state and where the chain is. */
export type RoundStep = 'seed' | 'evaluate' | 'commit' | 'reveal' | 'settle' | 'wait' | 'done'

/**
 * The next step for round `round` (a pure function, so restart logic is testable): seed first;
 * evaluate and commit inside the evaluate window; reveal inside the weights-reveal window when
 * weights were persisted (even if the process died before marking the commit sent: a reveal
 * without a counted commit is merely ignored); settle afterwards until the end of the next round.
 */
export function nextStep(state: RoundState | null, round: number, at: WindowAt | null): RoundStep {
  if (at === null || at.round < round) return state ? 'wait' : 'seed'
  if (at.round > round + 1) return 'done'
  const phase = at.round > round ? 'settle' : at.window
  if (phase === 'settle') return state?.settled ? 'done' : 'settle'
  if (!state) return phase === 'weightsReveal' ? 'wait' : 'seed'
  if (phase === 'evaluate') return state.weights === undefined ? 'evaluate' : state.committed ? 'wait' : 'commit'
  if (phase === 'weightsReveal') return state.weights !== undefined && !state.revealed ? 'reveal' : 'wait'
  return 'wait'
}

/** The path of round `round`'s state file under the validator's data directory. */
export function roundStatePath(dataDir: string, round: number): string {
  return join(dataDir, 'rounds', `${round}.json`)
}

/** Writes a JSON value atomically (temporary file, then rename), so a crash never leaves half a file. */
export async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  await mkdir(dirname(path), { recursive: true })
  const tmp = `${path}.${process.pid}.tmp`
  await writeFile(tmp, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600, flush: true })
  await rename(tmp, path)
}

/** Saves a round's state (atomic), after checking it against the schema. */
export async function saveRoundState(dataDir: string, state: RoundState): Promise<void> {
  await writeJsonAtomic(roundStatePath(dataDir, state.round), roundStateSchema.parse(state))
}

/** Reads a round's state; null when there is none; `ValidatorStateError` when it is unreadable or malformed. */
export async function loadRoundState(dataDir: string, round: number): Promise<RoundState | null> {
  const path = roundStatePath(dataDir, round)
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw new ValidatorStateError(path, 'it cannot be read', err)
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (err) {
    throw new ValidatorStateError(path, 'it is not JSON', err)
  }
  const parsed = roundStateSchema.safeParse(json)
  if (!parsed.success) throw new ValidatorStateError(path, parsed.error.issues[0]?.message ?? 'schema mismatch')
  if (parsed.data.round !== round) throw new ValidatorStateError(path, `it holds round ${parsed.data.round}`)
  return parsed.data
}
