import type { Backend } from '../shared/backend/index.ts'
import {
  CodecError,
  type DecodedDelta,
  decodeSnapshot,
  maxSnapshotBytes,
  type SnapshotTensors,
  type TrainingProof,
} from '../shared/codec/index.ts'
import type { CrowdtrainConfig } from '../shared/config/index.ts'
import { describeError } from '../shared/errors/index.ts'
import { createRng, type SeedPart, seedBytes } from '../shared/random.ts'
import type { ShardPlan } from '../shared/shards/index.ts'
import type { Storage } from '../shared/storage/index.ts'
import type { Task } from '../shared/tasks/index.ts'
import type { NamedTensor } from '../shared/tensor.ts'
import { minerBatchSeed, trainShard } from '../shared/train/index.ts'
import { cosine, REASONS } from './scoreRound.ts'

/** The inputs of `proveTraining`: one valid delta, what the miner was told to train, and the checkpoints. */
export type ProveTrainingParameters = {
  task: Task
  config: CrowdtrainConfig
  plan: ShardPlan
  backend: Backend
  storage: Pick<Storage, 'get'>
  round: number
  hotkey: string
  decoded: DecodedDelta
  /** The miner's assigned pages this round (undefined: the assignment could not be drawn). */
  pages: readonly number[] | undefined
  /** θ_r: the checkpoint the delta file declares as its base (the whole model, spec order). */
  base: readonly NamedTensor[]
  /** The checkpoint a pipelined training moves onto mid-way (the scoring base); undefined or `base` when none. */
  rebaseTarget?: readonly NamedTensor[]
  /** Draws the segment: parts nobody knew when the delta was committed (the validator's eval seed, the closing block). */
  drawSeed: readonly SeedPart[]
  fetchTimeoutMs: number
  signal?: AbortSignal
  /** Replay this segment instead of drawing one (tests and audits). */
  segment?: number
  /** Where the replay waits for its turn (several proofs fetch at once, one replays at a time); default: at once. */
  replays?: <T>(fn: () => Promise<T>) => Promise<T>
}

/** The verdict: proven (with the segment replayed and how far the replay ended), or why not. */
export type ProveTrainingReturnType =
  | {
      proven: true
      segment: number
      distance: number
      /** Seconds spent fetching the snapshots and replaying the segment. */
      fetchSeconds: number
      replaySeconds: number
    }
  | { proven: false; reason: string }

/** Thrown inside `proveTraining` for a miner's fault; becomes an `unproven: …` reason. */
class Unproven extends Error {}

/**
 * The proof of training (docs/network.md "Proof of training"). A miner's delta file lists snapshots
 * of its shard's training state (values, AdamW moments, update count) before every `proof.every`-th
 * inner step and after the last. This validator draws one segment from a seed the miner could not
 * know at commit time, replays its steps from the snapshot at its start — on the miner's assigned
 * pages, its batch stream, the network's schedule, the frozen tensors of the checkpoint it trained
 * on (and the rebase it declares) — and requires the snapshot at its end within `proof.tolerance`
 * of the segment's own update. It also requires the first snapshot's moments to be ones some
 * gradient history of its update count can produce, and the delta sent to point where the proven
 * training went (cosine with last snapshot − the base it is taken from ≥ `proof.tieCosine`).
 */
export async function proveTraining(p: ProveTrainingParameters): Promise<ProveTrainingReturnType> {
  try {
    return await prove(p)
  } catch (err) {
    if (p.signal?.aborted) throw err
    if (err instanceof Unproven) return { proven: false, reason: `${REASONS.unproven}: ${err.message}` }
    return { proven: false, reason: `${REASONS.unproven}: ${describeError(err)}` }
  }
}

/** Where the snapshots of a proof sit: before steps 0, every, 2·every, … and after the last (H). */
export function snapshotSteps(innerSteps: number, every: number): number[] {
  const steps: number[] = []
  for (let s = 0; s < innerSteps; s += every) steps.push(s)
  steps.push(innerSteps)
  return steps
}

/** The segment a validator replays: uniform over the proof's segments, from its draw seed and the miner's hotkey. PROTOCOL. */
export function drawSegment(segments: number, drawSeed: readonly SeedPart[], hotkey: string): number {
  return createRng(seedBytes('crowdtrain:replay-segment', ...drawSeed, hotkey)).int(segments)
}

/**
 * The snapshots a validator fetches for a proof: the first (moments, tie), the drawn segment's two
 * ends, and the last (tie) — what `proveTraining` reads, so a prefetch during the reveals can get them.
 */
export function snapshotsToFetch(
  proof: TrainingProof,
  innerSteps: number,
  drawSeed: readonly SeedPart[],
  hotkey: string,
): number[] {
  const count = snapshotSteps(innerSteps, proof.every).length
  if (proof.snapshots.length !== count) return []
  const k = drawSegment(count - 1, drawSeed, hotkey)
  return [...new Set([0, k, k + 1, count - 1])]
}

async function prove(p: ProveTrainingParameters): Promise<ProveTrainingReturnType> {
  const { config } = p
  const H = config.train.innerSteps
  const proof = p.decoded.meta.proof
  if (!proof) throw new Unproven('the delta file lists no proof of training')
  if (!p.pages) throw new Unproven('no pages could be assigned to this miner this round')
  const steps = snapshotSteps(H, config.proof.every)
  if (proof.every !== config.proof.every || proof.snapshots.length !== steps.length)
    throw new Unproven(
      `the proof lists ${proof.snapshots.length} snapshots every ${proof.every} steps; ` +
        `${steps.length} every ${config.proof.every} were expected`,
    )
  const rebasing = p.rebaseTarget !== undefined && p.rebaseTarget !== p.base
  const moved = proof.rebasedAt[0]
  if (proof.rebasedAt.length > (rebasing ? 1 : 0) || (moved !== undefined && moved >= H))
    throw new Unproven(
      `the proof declares rebases at steps [${proof.rebasedAt.join(', ')}], which this round cannot have`,
    )
  const shard = p.plan.shards[p.decoded.meta.shard]
  const shapes = shard.names.map((name) => ({ name, shape: p.base.find((t) => t.name === name)?.shape ?? [] }))
  const maxT = (p.round + 1) * H
  const fetched = new Map<number, Promise<SnapshotTensors>>()
  const snapshot = (i: number) => {
    let got = fetched.get(i)
    if (!got) {
      got = fetchSnapshot(p, proof.snapshots[i], i, { shapes, step: steps[i], maxT })
      fetched.set(i, got)
    }
    return got
  }
  const k = p.segment ?? drawSegment(steps.length - 1, p.drawSeed, p.decoded.meta.hotkey)
  if (!Number.isInteger(k) || k < 0 || k >= steps.length - 1) throw new RangeError(`no segment ${k} in this proof`)
  const started = performance.now()
  const [first, start, end, last] = await Promise.all([
    snapshot(0),
    snapshot(k),
    snapshot(k + 1),
    snapshot(steps.length - 1),
  ])
  if (first.t > p.round * H) throw new Unproven(`snapshot 0 counts ${first.t} updates; at most ${p.round * H} were run`)
  checkMoments(first, config.train, 0)
  checkMoments(start, config.train, k)
  // The tie: the delta sent points where the proven training went (from the base it is taken from).
  const from = moved !== undefined ? shardOf(p.rebaseTarget!, shard.names) : first.values
  const dense = last.values.map((t, i) => {
    const d = new Float32Array(t.data.length)
    for (let j = 0; j < d.length; j++) d[j] = t.data[j] - from[i].data[j]
    return d
  })
  const tie = cosine(
    p.decoded.delta.map((t) => t.data),
    dense,
  )
  if (!(tie >= config.proof.tieCosine))
    throw new Unproven(
      `the delta points elsewhere than its proven training (cosine ${tie.toFixed(3)} < ${config.proof.tieCosine})`,
    )
  const loaded = performance.now()
  const turn = p.replays ?? ((fn) => fn())
  let began = loaded
  const distance = await turn(() => {
    began = performance.now()
    return replay(p, { start, end, first, moved, names: shard.names })
  })
  if (!(distance <= config.proof.tolerance))
    throw new Unproven(
      `segment ${k} (steps ${steps[k]}–${steps[k + 1]}) replayed on the assigned pages ends ${distance.toFixed(3)} ` +
        `of its update away from the miner's snapshot (tolerance ${config.proof.tolerance})`,
    )
  const seconds = (from: number, to: number) => Math.round(to - from) / 1000
  return {
    ...{ proven: true as const, segment: k, distance },
    ...{ fetchSeconds: seconds(started, loaded), replaySeconds: seconds(began, performance.now()) },
  }
}

// Fetches one snapshot with the size cap of the shard's three float32 copies, and decodes it strictly.
async function fetchSnapshot(
  p: ProveTrainingParameters,
  cid: string,
  index: number,
  expect: Parameters<typeof decodeSnapshot>[1],
): Promise<SnapshotTensors> {
  let bytes: Uint8Array
  try {
    bytes = await p.storage.get(cid, {
      maxBytes: maxSnapshotBytes(expect.shapes),
      timeoutMs: p.fetchTimeoutMs,
      signal: p.signal,
    })
  } catch (err) {
    if (p.signal?.aborted) throw err
    throw new Unproven(`snapshot ${index} could not be fetched: ${describeError(err)}`)
  }
  try {
    return decodeSnapshot(bytes, expect)
  } catch (err) {
    throw new Unproven(`snapshot ${index}: ${err instanceof CodecError ? err.shortMessage : describeError(err)}`)
  }
}

function shardOf(params: readonly NamedTensor[], names: readonly string[]): NamedTensor[] {
  const byName = new Map(params.map((t) => [t.name, t]))
  return names.map((n) => byName.get(n)!)
}

/**
 * Moments some history of t clipped gradients can produce (AdamW from zero moments): ‖m‖ ≤
 * (1 − β1^t)·clip, Σv ≤ (1 − β2^t)·clip², and per value m² ≤ (1 − β1)²/(1 − β2)·(1 − q^t)/(1 − q)·v
 * with q = β1²/β2 (Cauchy–Schwarz over the history); t = 0 means zero moments. Without these a
 * snapshot's moments could carry any direction into the replayed steps. Slack 1e-3 for float32.
 */
export function checkMoments(
  s: Pick<SnapshotTensors, 't' | 'm' | 'v'>,
  train: Pick<CrowdtrainConfig['train'], 'beta1' | 'beta2' | 'clip'>,
  index: number,
): void {
  const { beta1: b1, beta2: b2, clip } = train
  const slack = 1 + 1e-3
  const q = (b1 * b1) / b2
  const history = Math.abs(1 - q) < 1e-12 ? s.t : (1 - q ** s.t) / (1 - q)
  const k = ((1 - b1) ** 2 / (1 - b2)) * history * slack
  let mm = 0
  let vs = 0
  for (const [i, m] of s.m.entries()) {
    const v = s.v[i].data
    for (let j = 0; j < m.data.length; j++) {
      const x = m.data[j]
      mm += x * x
      vs += v[j]
      if (x * x > k * v[j] + 1e-30)
        throw new Unproven(`snapshot ${index}'s moments fit no gradient history of ${s.t} updates (tensor ${m.name})`)
    }
  }
  if (
    clip > 0 &&
    (Math.sqrt(mm) > (1 - b1 ** s.t) * clip * slack + 1e-12 || vs > (1 - b2 ** s.t) * clip * clip * slack + 1e-12)
  )
    throw new Unproven(`snapshot ${index}'s moments are larger than ${s.t} clipped gradients can make`)
}

// Replays the drawn segment and returns ‖replayed − snapshot‖ / ‖snapshot update‖, the worst of values and moments.
async function replay(
  p: ProveTrainingParameters,
  s: { start: SnapshotTensors; end: SnapshotTensors; first: SnapshotTensors; moved?: number; names: readonly string[] },
): Promise<number> {
  const { start, end, moved } = s
  if (end.t !== start.t + (end.step - start.step))
    throw new Unproven(`snapshots ${start.step} and ${end.step} count ${end.t - start.t} updates between them`)
  // Frozen tensors: the base's before the rebase, the new checkpoint's from it on; a rebase inside the
  // segment moves the shard by (new − start of training), as the miner's training did.
  const after = moved !== undefined && moved <= start.step
  const inside = moved !== undefined && moved > start.step && moved <= end.step
  const byName = new Map(s.first.values.map((t) => [t.name, t]))
  const params = after ? p.rebaseTarget! : p.base.map((t) => byName.get(t.name) ?? t)
  const target = p.rebaseTarget
  const out = await trainShard({
    task: p.task,
    modelConfig: p.config.model,
    params,
    plan: p.plan,
    shard: p.decoded.meta.shard,
    pages: p.pages!,
    seed: minerBatchSeed(p.hotkey, p.round),
    train: p.config.train,
    backend: p.backend,
    firstStep: p.round * p.config.train.innerSteps,
    resume: start,
    until: end.step,
    snapshotEvery: p.config.proof.every,
    rebase: inside && target ? (step) => (step >= moved! ? target : undefined) : undefined,
    signal: p.signal,
  })
  const got = out.snapshots?.at(-1)
  if (!got || got.step !== end.step) throw new Error('the replay recorded no final state')
  return Math.max(
    relative(got.values, end.values, start.values),
    relative(got.m, end.m, start.m),
    relative(got.v, end.v, start.v),
  )
}

// ‖a − b‖ / ‖b − from‖ (0 when a equals b).
function relative(a: readonly NamedTensor[], b: readonly NamedTensor[], from: readonly NamedTensor[]): number {
  let num = 0
  let den = 0
  for (const [i, t] of a.entries()) {
    for (let j = 0; j < t.data.length; j++) {
      const d = t.data[j] - b[i].data[j]
      const u = b[i].data[j] - from[i].data[j]
      num += d * d
      den += u * u
    }
  }
  return num === 0 ? 0 : Math.sqrt(num / den)
}
