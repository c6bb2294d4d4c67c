import type { Scalar, Tensor } from '@tensorflow/tfjs-core'
import type { Tf } from '../backend/index.ts'
import type { Batch } from '../tasks/index.ts'
import type { ModelSpec } from './createModel.ts'
import { ParamMismatchError } from './errors.ts'
import { gptLogits, type Weights } from './gpt.ts'
import { mlpLogits } from './mlp.ts'

/** Mean cross-entropy of logits [N, K] against class ids y [N]; a one-hot product, no gather. */
function crossEntropy(tf: Tf, logits: Tensor, y: Int32Array, classes: number): Scalar {
  const targets = tf.cast(tf.oneHot(tf.tensor1d(y, 'int32'), classes), 'float32')
  return tf.neg(tf.div(tf.sum(tf.mul(targets, tf.logSoftmax(logits))), y.length)) as Scalar
}

/** The model's mean cross-entropy loss on a batch (nats per token or per example), as a tf scalar. */
export function modelLoss(tf: Tf, spec: ModelSpec, w: Weights, batch: Batch): Scalar {
  if (spec.kind === 'gpt') {
    if (batch.kind !== 'lm') throw new ParamMismatchError('a GPT needs language-model batches.')
    return crossEntropy(tf, gptLogits(tf, spec, w, batch), batch.y, spec.vocabSize)
  }
  if (batch.kind !== 'classify') throw new ParamMismatchError('an MLP needs classification batches.')
  return crossEntropy(tf, mlpLogits(tf, spec, w, batch), batch.y, spec.classes)
}

/** Checks that named tensors are exactly the spec's parameters (names, order, shapes). */
export function checkParams(spec: ModelSpec, params: readonly { name: string; shape: readonly number[] }[]): void {
  if (params.length !== spec.params.length)
    throw new ParamMismatchError(`${params.length} tensors given, the model has ${spec.params.length}.`)
  spec.params.forEach((p, i) => {
    const q = params[i]
    if (q.name !== p.name) throw new ParamMismatchError(`tensor ${i} is "${q.name}", expected "${p.name}".`)
    if (q.shape.length !== p.shape.length || q.shape.some((d, j) => d !== p.shape[j]))
      throw new ParamMismatchError(`"${p.name}" has shape [${q.shape}], expected [${p.shape}].`)
  })
}
