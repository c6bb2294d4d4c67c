import type { Scalar, Tensor, Variable } from '@tensorflow/tfjs-core'
import type { Tf } from '../backend/index.ts'
import type { NamedTensor } from '../tensor.ts'

/** Adam moments of a shard's tensors and the step count, kept by a miner across rounds. */
export type OptimizerState = { step: number; m: NamedTensor[]; v: NamedTensor[] }

/** The AdamW settings (the train section of the config). */
export type AdamWConfig = { beta1: number; beta2: number; weightDecay: number; clip: number }

/** One trainable tensor with its moments. */
export type AdamSlot = { name: string; param: Variable; m: Variable; v: Variable; decay: boolean }

const EPS = 1e-8

/**
 * Scales the gradients so their global L2 norm is at most `clip` (0: no clipping), as PyTorch's
 * clip_grad_norm_; returns the scaled gradients and the norm before clipping, all in the graph.
 */
export function clipByGlobalNorm(tf: Tf, grads: Tensor[], clip: number): { grads: Tensor[]; norm: Scalar } {
  // Added one by one, in order (as addN does): addN binds every input at once, more buffers than a
  // WebGPU device offers one shader (8 on some).
  const norm = tf.sqrt(grads.map((g) => tf.sum(tf.square(g))).reduce((a, b) => tf.add(a, b))) as Scalar
  if (clip <= 0) return { grads, norm }
  const coef = tf.minimum(1, tf.div(clip, tf.add(norm, 1e-6)))
  return { grads: grads.map((g) => tf.mul(g, coef)), norm }
}

/**
 * One AdamW step (PyTorch's order): θ ← θ·(1 − lr·wd) for decayed tensors (decoupled weight
 * decay, none on LayerNorm gains and biases), m ← β1·m + (1−β1)·g, v ← β2·v + (1−β2)·g²,
 * θ ← θ − (lr / (1−β1ᵗ)) · m / (√v / √(1−β2ᵗ) + ε). `t` is the 1-based step count.
 */
export function adamwUpdate(tf: Tf, cfg: AdamWConfig, slots: AdamSlot[], grads: Tensor[], lr: number, t: number): void {
  const bc1 = 1 - cfg.beta1 ** t
  const bc2Sqrt = Math.sqrt(1 - cfg.beta2 ** t)
  slots.forEach((s, i) => {
    const g = grads[i]
    const m = tf.add(tf.mul(s.m, cfg.beta1), tf.mul(g, 1 - cfg.beta1))
    const v = tf.add(tf.mul(s.v, cfg.beta2), tf.mul(tf.square(g), 1 - cfg.beta2))
    const decayed = s.decay && cfg.weightDecay > 0 ? tf.mul(s.param, 1 - lr * cfg.weightDecay) : s.param
    const denom = tf.add(tf.div(tf.sqrt(v), bc2Sqrt), EPS)
    s.param.assign(tf.sub(decayed, tf.mul(tf.div(m, denom), lr / bc1)))
    s.m.assign(m)
    s.v.assign(v)
  })
}
