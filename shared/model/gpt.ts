import type { Tensor } from '@tensorflow/tfjs-core'
import {
  addPositions,
  attention,
  embed,
  gelu,
  layerNorm as layerNormOp,
  linear as linearOp,
  matmul,
  type Tf,
} from '../backend/index.ts'
import type { LmBatch } from '../tasks/index.ts'
import type { GptSpec } from './createModel.ts'

/** Parameter tensors by name (trainable variables or frozen constants, mixed). */
export type Weights = Record<string, Tensor>

/** x·W + b for rows x [N, in] and W stored [in, out]. */
function linear(tf: Tf, w: Weights, name: string, x: Tensor): Tensor {
  return linearOp(tf, x, w[`${name}.w`], w[`${name}.b`])
}

/** LayerNorm over the last axis (eps 1e-5, as PyTorch). */
function layerNorm(tf: Tf, w: Weights, name: string, x: Tensor): Tensor {
  return layerNormOp(tf, x, w[`${name}.g`], w[`${name}.b`])
}

/** Upper-triangle mask added to the scores: −1e9 where key > query (the future). */
function causalMask(tf: Tf, T: number): Tensor {
  const m = new Float32Array(T * T)
  for (let q = 0; q < T; q++) for (let k = q + 1; k < T; k++) m[q * T + k] = -1e9
  return tf.tensor2d(m, [T, T])
}

/**
 * Multi-head causal self-attention on rows x [B·T, C]: one fused qkv matmul, one split, then
 * attention over [B·heads, T, d] (shared/backend's `attention`); returns [B·T, C].
 */
function causalSelfAttention(
  tf: Tf,
  spec: GptSpec,
  w: Weights,
  i: number,
  x: Tensor,
  B: number,
  T: number,
  mask: Tensor,
): Tensor {
  const C = spec.width
  const H = spec.heads
  const D = C / H
  const qkv = linear(tf, w, `h.${i}.attn.qkv`, x) // [B·T, 3C]
  const heads = tf.transpose(tf.reshape(qkv, [B, T, 3 * H, D]), [0, 2, 1, 3]) // [B, 3H, T, D]
  const [q, k, v] = tf.split(heads, 3, 1).map((t) => tf.reshape(t, [B * H, T, D]))
  const y = attention(tf, q, k, v, mask, 1 / Math.sqrt(D)) // [B·H, T, D]
  const merged = tf.reshape(tf.transpose(tf.reshape(y, [B, H, T, D]), [0, 2, 1, 3]), [B * T, C])
  return linear(tf, w, `h.${i}.attn.proj`, merged)
}

/** The position-wise feed-forward network: C → 4C → GELU → C. */
function mlp(tf: Tf, w: Weights, i: number, x: Tensor): Tensor {
  // GELU in its sigmoid form x·σ(1.702x), as the PyTorch reference in cli/bench does.
  return linear(tf, w, `h.${i}.mlp.proj`, gelu(tf, linear(tf, w, `h.${i}.mlp.fc`, x)))
}

/** A pre-LayerNorm transformer block: x = x + attn(ln1(x)); x = x + mlp(ln2(x)). */
function block(tf: Tf, spec: GptSpec, w: Weights, i: number, x: Tensor, B: number, T: number, mask: Tensor): Tensor {
  const a = tf.add(x, causalSelfAttention(tf, spec, w, i, layerNorm(tf, w, `h.${i}.ln1`, x), B, T, mask))
  return tf.add(a, mlp(tf, w, i, layerNorm(tf, w, `h.${i}.ln2`, a)))
}

/**
 * Next-token logits [B·T, V] for the ids of a batch: the nanoGPT forward pass,
 * x = wte[ids] + wpe; x = block_i(x) for each layer; logits = ln_f(x)·lm_head.
 */
export function gptLogits(tf: Tf, spec: GptSpec, w: Weights, batch: LmBatch): Tensor {
  const { B, T } = batch
  const C = spec.width
  const ids = tf.tensor1d(batch.x, 'int32')
  let x = addPositions(tf, tf.reshape(embed(tf, ids, w.wte), [B, T, C]), w.wpe) // [B·T, C]
  const mask = causalMask(tf, T)
  for (let i = 0; i < spec.layers; i++) x = block(tf, spec, w, i, x, B, T, mask)
  return matmul(tf, layerNorm(tf, w, 'ln_f', x), w['lm_head.w'])
}
