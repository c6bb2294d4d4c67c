import type { ModelSpec } from './createModel.ts'

/**
 * FLOPs of one training step (forward + backward) per token (GPT) or per example (MLP).
 * Forward, per token: 2 FLOPs per weight of every matmul layer (qkv, attention projection, MLP
 * fc and projection, head; embeddings and biases are lookups and adds, not counted), plus the
 * attention itself, 2·T·C for the scores and 2·T·C for the weighted sum per layer (the full T×T
 * as computed, mask included). Backward costs twice the forward, so a step is 3× forward:
 * 6·N_matmul + 12·L·T·C per token, nanoGPT's and PaLM's count.
 */
export function modelFlopsPerToken(spec: ModelSpec): number {
  if (spec.kind === 'mlp') return 6 * (spec.inputSize * spec.hidden + spec.hidden * spec.classes)
  const { width: C, layers: L, context: T, vocabSize: V } = spec
  const perBlock = C * 3 * C + C * C + C * 4 * C + 4 * C * C
  const matmulWeights = L * perBlock + C * V
  return 6 * matmulWeights + 12 * L * T * C
}
