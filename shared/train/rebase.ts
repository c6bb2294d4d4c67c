import type { Tensor } from '@tensorflow/tfjs-core'
import type { Backend } from '../backend/index.ts'
import type { Weights } from '../model/index.ts'
import type { NamedTensor } from '../tensor.ts'

/**
 * The model a training moves onto mid-way (pipelined rounds, docs/network.md "Rebase"): asked
 * before every inner step with the step's index; a model it returns (every tensor, spec order)
 * becomes the training's base. Returning the same array again, or undefined, changes nothing.
 */
export type RebaseSource = (step: number) => readonly NamedTensor[] | undefined

/**
 * Moves a shard's local values from one base to another, keeping the progress made so far:
 * local + (to − from), each value rounded once to float32 on store. In place.
 */
export function shiftLocal(local: Float32Array, from: Float32Array, to: Float32Array): Float32Array {
  if (local.length !== from.length || local.length !== to.length)
    throw new RangeError(`rebase: ${local.length} local values, ${from.length} old and ${to.length} new base values`)
  for (let j = 0; j < local.length; j++) local[j] = local[j] + (to[j] - from[j])
  return local
}

/**
 * Replaces the frozen tensors of `weights` (every one not in `trained`) with the new base's values,
 * disposing the old ones; `owned` (what the training disposes at its end) is kept in step.
 */
export function replaceFrozen(
  tf: Backend['tf'],
  weights: Weights,
  owned: Tensor[],
  target: ReadonlyMap<string, NamedTensor>,
  trained: ReadonlySet<string>,
): void {
  for (const [name, old] of Object.entries(weights)) {
    if (trained.has(name)) continue
    const t = target.get(name)
    if (!t) throw new RangeError(`rebase: the new base has no tensor ${name}`)
    const next = tf.tensor(t.data, t.shape, 'float32')
    weights[name] = next
    owned[owned.indexOf(old)] = next
    old.dispose()
  }
}

/**
 * The shared memory a training pool posts one newer base through: an Int32 flag, then every value
 * of the model in spec order (float32). The main thread writes the values, then sets the flag; the
 * workers read them only after worker 0 reported the flag in a gradient exchange (replicas.ts).
 */
export function rebaseBuffer(like: readonly NamedTensor[]): SharedArrayBuffer {
  return new SharedArrayBuffer(4 + like.reduce((n, t) => n + t.data.length, 0) * 4)
}

/** Writes `target` (the model's tensors, named and sized as the buffer's `like`) and raises the flag. */
export function postRebase(
  buffer: SharedArrayBuffer,
  like: readonly NamedTensor[],
  target: readonly NamedTensor[],
): void {
  const values = new Float32Array(buffer, 4)
  let offset = 0
  for (const [i, t] of target.entries()) {
    if (t.name !== like[i]?.name || t.data.length !== like[i].data.length)
      throw new RangeError(`rebase: the new base's tensor ${i} is ${t.name}, the training's ${like[i]?.name}`)
    values.set(t.data, offset)
    offset += t.data.length
  }
  if (offset !== values.length)
    throw new RangeError(`rebase: the new base has ${offset} values, the training's model ${values.length}`)
  Atomics.store(new Int32Array(buffer, 0, 1), 0, 1)
}

/** True once a newer base was posted. */
export function rebasePosted(buffer: SharedArrayBuffer): boolean {
  return Atomics.load(new Int32Array(buffer, 0, 1), 0) === 1
}

/** The posted base, as tensors named and shaped like `like`. */
export function readRebase(buffer: SharedArrayBuffer, like: readonly NamedTensor[]): NamedTensor[] {
  let offset = 1
  return like.map((t) => {
    const data = new Float32Array(buffer.slice(offset * 4, (offset + t.data.length) * 4))
    offset += t.data.length
    return { name: t.name, shape: [...t.shape], data }
  })
}
