import { createRng, type Seed, seedBytes } from '../random.ts'
import type { NamedTensor } from '../tensor.ts'
import { sizeOf } from '../tensor.ts'
import type { ModelSpec } from './createModel.ts'

/**
 * The model's initial parameters, in spec order, as plain float32 bytes computed in JavaScript
 * (never tf random, which differs by backend). Each tensor draws from its own stream,
 * seedBytes('crowdtrain:init', seed, name), so the bytes of one tensor do not depend on the others.
 */
export function initParams(spec: ModelSpec, seed: Seed): NamedTensor[] {
  const base = typeof seed === 'bigint' ? seed.toString() : seed
  return spec.params.map((p) => {
    const data = new Float32Array(sizeOf(p.shape))
    if (p.init.kind === 'ones') data.fill(1)
    else if (p.init.kind === 'normal') {
      const rng = createRng(seedBytes('crowdtrain:init', base, p.name))
      for (let i = 0; i < data.length; i++) data[i] = rng.normal() * p.init.std
    }
    return { name: p.name, shape: [...p.shape], data }
  })
}
