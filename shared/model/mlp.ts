import type { Tensor } from '@tensorflow/tfjs-core'
import { linear, type Tf } from '../backend/index.ts'
import type { ClassifyBatch } from '../tasks/index.ts'
import type { MlpSpec } from './createModel.ts'
import type { Weights } from './gpt.ts'

/** Class logits [B, classes]: x → ReLU(x·W0 + b0) → ·Wh + bh. */
export function mlpLogits(tf: Tf, _spec: MlpSpec, w: Weights, batch: ClassifyBatch): Tensor {
  const x = tf.tensor2d(batch.x, [batch.B, batch.inputSize])
  const h = tf.relu(linear(tf, x, w['h.0.w'], w['h.0.b']))
  return linear(tf, h, w['head.w'], w['head.b'])
}
