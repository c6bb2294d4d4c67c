import type { Batch } from '../tasks/index.ts'
import { ReplicaStoppedError } from './errors.ts'

/**
 * Data-parallel training across worker threads (README "Backends"): every worker holds the whole
 * model and its optimizer state, takes its slice of each batch, and after the backward pass all
 * workers exchange their gradients through one SharedArrayBuffer. Each worker sums the slices in
 * the same order (slice 0, 1, …) and takes the global norm of the sum, then updates only its range
 * of the values (AdamW is element-wise) and the replicas swap their ranges (`shareUpdate`), so they
 * stay bit-identical and any of them holds the result.
 *
 * Layout: 4 Int32 control words (generation, arrivals, stop flag, unused), then two sets (one per
 * step parity) of `parts` slots of `values + 2` float32 (the gradients, the loss, then the rebase
 * flag: worker 0's word decides, so every replica moves onto a newer base after the same step). A worker writes
 * its slot of this step's set, waits at the barrier, then reads every slot of the set. Two sets make
 * one barrier per step enough: a worker writing step s + 2 has passed the barrier of step s + 1, which
 * every worker reached only after reading step s.
 */
const CONTROL_WORDS = 4
const GENERATION = 0
const ARRIVED = 1
const STOPPED = 2
/** How often a waiting worker looks at the stop flag. */
const POLL_MS = 250

/**
 * The shared memory of `parts` replicas exchanging `values` gradient values a step: the control words,
 * the two gradient sets, then the parameters and both moments (`values` float32 each), where every
 * replica writes the range it updated (`Replica.shareUpdate`).
 */
export function replicaBuffer(parts: number, values: number): SharedArrayBuffer {
  return new SharedArrayBuffer(CONTROL_WORDS * 4 + (2 * parts * (values + 2) + 3 * values) * 4)
}

/** Tells every replica waiting at (or arriving at) the barrier to stop with ReplicaStoppedError. */
export function stopReplicas(buffer: SharedArrayBuffer): void {
  const control = new Int32Array(buffer, 0, CONTROL_WORDS)
  Atomics.store(control, STOPPED, 1)
  Atomics.notify(control, GENERATION)
}

/** One worker's end of the exchange. */
export type Replica = {
  /** This worker's slice, 0 … parts − 1. */
  part: number
  parts: number
  /**
   * This slice's gradients (one array per tensor) and loss, already weighted by the slice's share of
   * the batch's rows, summed with every other slice's: the whole batch's gradients, back to back, and
   * its loss. Blocks until every worker has sent its slice. The sum is valid until the next exchange.
   */
  exchange(grads: readonly Float32Array[], loss: number): { sum: Float32Array; loss: number }
  /** True once worker 0 has seen a rebase posted (`rebaseReady` of createReplica) in an exchange: the same step on every replica. */
  rebaseAgreed(): boolean
  /** The values (all tensors back to back) whose AdamW update this replica computes: [from, to). */
  range: { from: number; to: number }
  /**
   * After each replica updated its range of the parameters and moments (arrays per tensor, back to
   * back as the gradients): publishes this replica's range, waits for the others, and copies theirs
   * in, so every replica holds the whole updated state again. A no-op for one replica.
   */
  shareUpdate(params: Float32Array[], m: Float32Array[], v: Float32Array[]): void
}

/**
 * The replica `part` of `parts`, exchanging through `buffer` (from replicaBuffer). `rebaseReady`
 * (read by worker 0 only) says whether the main thread has posted a newer base.
 */
export function createReplica(
  buffer: SharedArrayBuffer,
  part: number,
  parts: number,
  rebaseReady?: () => boolean,
): Replica {
  const control = new Int32Array(buffer, 0, CONTROL_WORDS)
  const floats = (buffer.byteLength - CONTROL_WORDS * 4) / 4
  // floats = 2·parts·(values + 2) + 3·values.
  const values = (floats - 4 * parts) / (2 * parts + 3)
  const slot = values + 2
  const stateAt = CONTROL_WORDS * 4 + 2 * parts * slot * 4
  const shared = [0, 1, 2].map((i) => new Float32Array(buffer, stateAt + i * values * 4, values))
  const rangeOf = (p: number) => sliceRows(values, p, parts)
  const range = rangeOf(part)
  // The batch's sum, reused every step: the caller consumes it before the next exchange.
  const sum = new Float32Array(slot - 1)
  let step = 0
  let agreed = false

  function barrier(): void {
    const generation = Atomics.load(control, GENERATION)
    if (Atomics.add(control, ARRIVED, 1) === parts - 1) {
      Atomics.store(control, ARRIVED, 0)
      Atomics.add(control, GENERATION, 1)
      Atomics.notify(control, GENERATION)
      return
    }
    while (Atomics.load(control, GENERATION) === generation) {
      if (Atomics.load(control, STOPPED)) throw new ReplicaStoppedError(part)
      Atomics.wait(control, GENERATION, generation, POLL_MS)
    }
  }

  return {
    part,
    parts,
    exchange(grads, loss) {
      if (Atomics.load(control, STOPPED)) throw new ReplicaStoppedError(part)
      const set = (step++ % 2) * parts
      const view = (p: number) => new Float32Array(buffer, CONTROL_WORDS * 4 + (set + p) * slot * 4, slot)
      const mine = view(part)
      let offset = 0
      for (const g of grads) {
        mine.set(g, offset)
        offset += g.length
      }
      if (offset !== slot - 2) throw new RangeError(`replica gradients hold ${offset} values, the buffer ${slot - 2}`)
      mine[offset] = loss
      mine[offset + 1] = part === 0 && rebaseReady?.() ? 1 : 0
      barrier()
      // The sum of the slices in slice order, each addition rounded to float32: the same on every replica.
      const first = view(0)
      sum.set(first.subarray(0, slot - 1))
      for (let p = 1; p < parts; p++) {
        const other = view(p)
        for (let i = 0; i < slot - 1; i++) sum[i] += other[i]
      }
      if (first[slot - 1] === 1) agreed = true
      return { sum: sum.subarray(0, slot - 2), loss: sum[slot - 2] }
    },
    rebaseAgreed: () => agreed,
    range,
    shareUpdate(params, m, v) {
      if (parts === 1) return
      const arrays = [params, m, v]
      // Own range out, barrier, the other ranges in: a range crosses tensors, so walk them by offset.
      const copy = (into: boolean, from: number, to: number) => {
        for (const [i, tensors] of arrays.entries()) {
          let offset = 0
          for (const t of tensors) {
            const lo = Math.max(from, offset)
            const hi = Math.min(to, offset + t.length)
            if (lo < hi) {
              if (into) t.set(shared[i].subarray(lo, hi), lo - offset)
              else shared[i].set(t.subarray(lo - offset, hi - offset), lo)
            }
            offset += t.length
          }
        }
      }
      copy(false, range.from, range.to)
      barrier()
      for (let p = 0; p < parts; p++) if (p !== part) copy(true, rangeOf(p).from, rangeOf(p).to)
    },
  }
}

/** Rows [from, to) of slice `part` of `parts`: the first slices are never larger than the last. */
export function sliceRows(rows: number, part: number, parts: number): { from: number; to: number } {
  return { from: Math.floor((part * rows) / parts), to: Math.floor(((part + 1) * rows) / parts) }
}

/** Slice `part` of `parts` of a batch, by rows (sequences, or examples). */
export function sliceBatch(b: Batch, part: number, parts: number): Batch {
  const { from, to } = sliceRows(b.B, part, parts)
  if (b.kind === 'lm')
    return { ...b, x: b.x.slice(from * b.T, to * b.T), y: b.y.slice(from * b.T, to * b.T), B: to - from }
  return {
    ...b,
    x: b.x.slice(from * b.inputSize, to * b.inputSize),
    y: b.y.slice(from, to),
    B: to - from,
  }
}
