/** The plain tensor form every part agrees on: model parameters, shards, deltas, checkpoints. */
export type NamedTensor = { name: string; shape: number[]; data: Float32Array }

/** Number of elements a shape holds. */
export function sizeOf(shape: readonly number[]): number {
  let n = 1
  for (const d of shape) n *= d
  return n
}

/** A deep copy (new buffers). */
export function cloneTensors(tensors: readonly NamedTensor[]): NamedTensor[] {
  return tensors.map((t) => ({ name: t.name, shape: [...t.shape], data: new Float32Array(t.data) }))
}
