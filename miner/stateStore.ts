import { randomBytes } from 'node:crypto'
import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { z } from 'zod'
import { decodeSafetensors, encodeSafetensors } from '../shared/codec/index.ts'
import type { NamedTensor } from '../shared/tensor.ts'
import type { OptimizerState } from '../shared/train/index.ts'
import { MinerStateError } from './errors.ts'

/** What the miner did in one round; persisted so that a restart finishes what it started. */
export type RoundEntry = {
  round: number
  shard: number
  /** The checkpoint the delta was trained from. */
  baseCid: string
  /** The delta's CID (added and pinned before the commit was sent). */
  cid: string
  /** Block where the `delta-commit` landed. */
  committedAt?: number
  /** Block where the `delta-reveal` landed. */
  revealedAt?: number
  /** Why the miner stopped working on this round (a window closed, a send failed for good). */
  gaveUp?: string
  /** The delta was unpinned (its round settled or went void). */
  unpinned?: boolean
  /** The CIDs of the snapshots proving the training (pinned with the delta, unpinned with it). */
  proof?: string[]
}

/** Everything the miner keeps in `<data>/miner-state.json`. */
export type MinerState = {
  v: 1
  netuid: number
  hotkey: string
  /**
   * The training state files (residual + optimizer moments), one per shard the miner has trained, each
   * from the last round it trained that shard: a miner that rotates back to a shard carries on where
   * it left it (docs/network.md).
   */
  trains?: TrainFileRef[]
  rounds: RoundEntry[]
  /** The newest settled round after which rewards were claimed. */
  claimedThrough?: number
}

/** A training state file and the shard and round it belongs to. */
export type TrainFileRef = { file: string; shard: number; round: number }

/** The state with `ref` as its shard's training state (replacing an older one of that shard). */
export function withTrainFile(state: MinerState, ref: TrainFileRef): MinerState {
  const others = (state.trains ?? []).filter((t) => t.shard !== ref.shard)
  return { ...state, trains: [...others, ref].sort((a, b) => a.shard - b.shard) }
}

/**
 * Error-feedback residual and optimizer moments for one shard, carried from round to round; and the
 * delta the miner sent for it last (dense, as validators decode it), for the eager start of the
 * next pipelined round (`produceDelta`).
 */
export type TrainState = {
  shard: number
  residual: NamedTensor[]
  optimizer: OptimizerState
  sent?: { round: number; delta: NamedTensor[] }
  /** The share of its own delta the eager start adds (`eagerScaleAfter`); absent: all of it. */
  eagerScale?: number
}

const STATE_FILE = 'miner-state.json'
const TRAIN_PREFIX = 'train-state-r'
const MAX_STATE_BYTES = 4 << 20
// A shard's residual and moments: three float32 copies of the shard; 4 GiB is far above any CPU model.
const MAX_TRAIN_BYTES = 4 * 1024 ** 3
const cid = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[a-z0-9]+$/)
const uint = z.number().int().nonnegative()

const entrySchema = z
  .object({
    round: uint,
    shard: uint,
    baseCid: cid,
    cid,
    committedAt: uint.optional(),
    revealedAt: uint.optional(),
    gaveUp: z.string().max(500).optional(),
    unpinned: z.boolean().optional(),
    proof: z.array(cid).max(1025).optional(),
  })
  .strict()

const trainRef = z
  .object({ file: z.string().regex(new RegExp(`^${TRAIN_PREFIX}\\d+\\.safetensors$`)), shard: uint, round: uint })
  .strict()
const stateSchema = z
  .object({
    v: z.literal(1),
    netuid: uint,
    hotkey: z.string().min(1).max(64),
    // Written by miners before per-shard state: read as `trains: [train]`.
    train: trainRef.optional(),
    trains: z
      .array(trainRef)
      .max(1024)
      .refine((a) => new Set(a.map((t) => t.shard)).size === a.length, 'one training state per shard')
      .optional(),
    rounds: z.array(entrySchema).max(10_000),
    claimedThrough: uint.optional(),
  })
  .strict()

/** Reads and writes the miner's state in one folder; every write is atomic (temp file, fsync, rename). */
export type StateStore = {
  readonly dir: string
  /** The persisted state, or a fresh one when there is none; throws `MinerStateError` when unusable. */
  load(expect: { netuid: number; hotkey: string }): Promise<MinerState>
  /** Writes the state atomically. */
  save(state: MinerState): Promise<void>
  /** Writes a training state file for `round` atomically and returns its name (reference it from the state). */
  saveTrain(round: number, train: TrainState): Promise<string>
  /** The training state of `shard` the state refers to, or undefined when none; throws `MinerStateError` when unreadable. */
  loadTrain(state: MinerState, shard: number): Promise<TrainState | undefined>
  /** Deletes training state files the state no longer refers to. */
  prune(state: MinerState): Promise<void>
}

/** Writes bytes to `path` so that a crash leaves either the old or the new file, never a torn one. */
export async function writeAtomic(path: string, bytes: Uint8Array | string): Promise<void> {
  const tmp = `${path}.${randomBytes(4).toString('hex')}.tmp`
  const fh = await open(tmp, 'w', 0o600)
  try {
    await fh.writeFile(bytes)
    await fh.sync()
  } finally {
    await fh.close()
  }
  await rename(tmp, path)
}

/** The state store of a miner data folder (created if missing). */
export function createStateStore(dir: string): StateStore {
  const file = join(dir, STATE_FILE)
  const ready = mkdir(dir, { recursive: true })

  async function load(expect: { netuid: number; hotkey: string }): Promise<MinerState> {
    await ready
    let text: string
    try {
      text = await readFile(file, 'utf8')
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { v: 1, ...expect, rounds: [] }
      throw new MinerStateError(file, 'it cannot be read', err)
    }
    return parseMinerState(text, expect, file)
  }

  async function saveTrain(round: number, t: TrainState): Promise<string> {
    await ready
    const name = trainFileName(round)
    await writeAtomic(join(dir, name), encodeTrainState(t))
    return name
  }

  async function loadTrain(state: MinerState, shard: number): Promise<TrainState | undefined> {
    const ref = state.trains?.find((t) => t.shard === shard)
    if (!ref) return undefined
    const path = join(dir, ref.file)
    const bytes = await readFile(path).catch((err) => {
      throw new MinerStateError(path, 'the training state file cannot be read', err)
    })
    return decodeTrainState(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length), shard, path)
  }

  async function prune(state: MinerState): Promise<void> {
    const names = await readdir(dir)
    for (const name of new Set([...unreferencedTrainFiles(names, state), ...names.filter((n) => n.endsWith('.tmp'))]))
      await rm(join(dir, name), { force: true })
  }

  return {
    dir,
    load,
    save: async (state) => {
      await ready
      await writeAtomic(file, serializeMinerState(state))
    },
    saveTrain,
    loadTrain,
    prune,
  }
}

/** The training state files among `names` that `state` no longer refers to (to delete). */
export function unreferencedTrainFiles(names: readonly string[], state: MinerState): string[] {
  const keep = new Set((state.trains ?? []).map((t) => t.file))
  return names.filter((n) => n.startsWith(TRAIN_PREFIX) && !keep.has(n))
}

/** The name of the training state file of `round`. */
export function trainFileName(round: number): string {
  return `${TRAIN_PREFIX}${round}.safetensors`
}

/** The state as stored (checked against the schema first): JSON, one field per line. */
export function serializeMinerState(state: MinerState): string {
  return `${JSON.stringify(stateSchema.parse(state), null, 1)}\n`
}

/** Parses a stored state strictly; throws `MinerStateError` naming `where` when it is unusable or not this miner's. */
export function parseMinerState(text: string, expect: { netuid: number; hotkey: string }, where: string): MinerState {
  if (text.length > MAX_STATE_BYTES) throw new MinerStateError(where, `it is larger than ${MAX_STATE_BYTES} bytes`)
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (err) {
    throw new MinerStateError(where, 'it is not JSON', err)
  }
  const parsed = stateSchema.safeParse(json)
  if (!parsed.success) throw new MinerStateError(where, parsed.error.issues.map(issueText).join('; '))
  const { train, ...rest } = parsed.data
  const state: MinerState = train && !rest.trains ? { ...rest, trains: [train] } : rest
  if (state.netuid !== expect.netuid) throw new MinerStateError(where, `it belongs to subnet ${state.netuid}`)
  if (state.hotkey !== expect.hotkey) throw new MinerStateError(where, `it belongs to hotkey ${state.hotkey}`)
  return state
}

/** A training state as a safetensors file: residual, moments and the delta sent last, with its round and scale. */
export function encodeTrainState(t: TrainState): Uint8Array {
  const tensors = [
    ...t.residual.map((x) => f32(`residual/${x.name}`, x)),
    ...t.optimizer.m.map((x) => f32(`m/${x.name}`, x)),
    ...t.optimizer.v.map((x) => f32(`v/${x.name}`, x)),
    ...(t.sent?.delta ?? []).map((x) => f32(`sent/${x.name}`, x)),
  ]
  const meta = {
    format: 'crowdtrain-miner-state',
    shard: String(t.shard),
    step: String(t.optimizer.step),
    ...(t.sent ? { sentRound: String(t.sent.round) } : {}),
    ...(t.eagerScale === undefined ? {} : { eagerScale: String(t.eagerScale) }),
  }
  return encodeSafetensors(tensors, meta)
}

/** Decodes a training state file of `shard` strictly; throws `MinerStateError` naming `where`. */
export function decodeTrainState(bytes: Uint8Array, shard: number, where: string): TrainState {
  try {
    const f = decodeSafetensors(bytes, { maxBytes: MAX_TRAIN_BYTES })
    if (f.metadata.format !== 'crowdtrain-miner-state') throw new Error('not a miner state file')
    const step = Number(f.metadata.step)
    if (!Number.isSafeInteger(step) || step < 0) throw new Error(`bad step ${f.metadata.step}`)
    if (Number(f.metadata.shard) !== shard) throw new Error('shard differs from the state file')
    const pick = (prefix: string): NamedTensor[] =>
      f.tensors
        .filter((x) => x.name.startsWith(prefix))
        .map((x) => {
          if (x.dtype !== 'F32') throw new Error(`${x.name} is ${x.dtype}, not F32`)
          return { name: x.name.slice(prefix.length), shape: [...x.shape], data: x.data as Float32Array }
        })
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    const sentRound = f.metadata.sentRound === undefined ? undefined : Number(f.metadata.sentRound)
    if (sentRound !== undefined && (!Number.isSafeInteger(sentRound) || sentRound < 0))
      throw new Error(`bad sentRound ${f.metadata.sentRound}`)
    const eagerScale = f.metadata.eagerScale === undefined ? undefined : Number(f.metadata.eagerScale)
    if (eagerScale !== undefined && !(eagerScale >= 0 && eagerScale <= 1))
      throw new Error(`bad eagerScale ${f.metadata.eagerScale}`)
    return {
      shard,
      ...(eagerScale === undefined ? {} : { eagerScale }),
      residual: pick('residual/'),
      optimizer: { step, m: pick('m/'), v: pick('v/') },
      ...(sentRound === undefined ? {} : { sent: { round: sentRound, delta: pick('sent/') } }),
    }
  } catch (err) {
    throw new MinerStateError(where, err instanceof Error ? err.message : String(err), err)
  }
}

function f32(name: string, t: NamedTensor) {
  return { name, dtype: 'F32' as const, shape: t.shape, data: t.data }
}

function issueText(i: z.ZodIssue): string {
  return `${i.path.join('.') || 'root'}: ${i.message}`
}

/**
 * Puts saved tensors back in the order of `like` (the shard's tensors); undefined when a name or size
 * differs, so a residual or moments from another model are never applied.
 */
export function alignTensors(saved: readonly NamedTensor[], like: readonly NamedTensor[]): NamedTensor[] | undefined {
  const byName = new Map(saved.map((t) => [t.name, t]))
  if (byName.size !== like.length) return undefined
  const out: NamedTensor[] = []
  for (const t of like) {
    const s = byName.get(t.name)
    if (!s || s.data.length !== t.data.length) return undefined
    out.push({ name: t.name, shape: [...t.shape], data: s.data })
  }
  return out
}
