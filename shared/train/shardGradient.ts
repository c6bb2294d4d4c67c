import type { Tensor, Variable } from '@tensorflow/tfjs-core'
import type { Backend } from '../backend/index.ts'
import { checkParams, createModel, type ModelConfig, modelLoss, type Weights } from '../model/index.ts'
import { checkShardIndex, type ShardPlan } from '../shards/index.ts'
import type { Batch, Task } from '../tasks/index.ts'

/** The inputs of `shardGradient`. */
export type ShardGradientParameters = {
  task: Task
  modelConfig: ModelConfig
  /** θ: the full model, in spec order. Never modified. */
  params: readonly { name: string; shape: readonly number[]; data: Float32Array }[]
  plan: ShardPlan
  shard: number
  batch: Batch
  backend: Backend
}

/**
 * ∇L(θ) of the mean loss on one batch with respect to shard k's tensors only (shard order,
 * float32): what the first inner step of a miner training on that batch would see.
 */
export async function shardGradient(p: ShardGradientParameters): Promise<Float32Array[]> {
  const { tf } = p.backend
  const spec = createModel(p.task, p.modelConfig)
  checkParams(spec, p.params)
  checkShardIndex(p.plan, p.shard)
  const names = p.plan.shards[p.shard].names
  const inShard = new Set(names)
  const weights: Weights = {}
  const owned: Tensor[] = []
  const vars = new Map<string, Variable>()
  try {
    for (const t of p.params) {
      if (inShard.has(t.name)) {
        const v = tf.tidy(() => tf.variable(tf.tensor(t.data, [...t.shape], 'float32'), true))
        vars.set(t.name, v)
        weights[t.name] = v
      } else {
        weights[t.name] = tf.tensor(t.data, [...t.shape], 'float32')
        owned.push(weights[t.name])
      }
    }
    const list = names.map((n) => vars.get(n)!)
    const { value, grads } = tf.variableGrads(() => modelLoss(tf, spec, weights, p.batch), list)
    try {
      const out: Float32Array[] = []
      for (const v of list) out.push(new Float32Array((await grads[v.name].data()) as Float32Array))
      return out
    } finally {
      value.dispose()
      for (const g of Object.values(grads)) g.dispose()
    }
  } finally {
    for (const t of owned) t.dispose()
    for (const v of vars.values()) v.dispose()
  }
}
