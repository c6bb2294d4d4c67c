import type { NamedTensor } from '../tensor.ts'
import { encodeSafetensors } from './safetensors.ts'

/** Writes float32 tensors (a model or outer state) as safetensors; `decodeCheckpoint` reads them back. */
export function encodeCheckpoint(tensors: readonly NamedTensor[], metadata?: Record<string, string>): Uint8Array {
  return encodeSafetensors(
    tensors.map((t) => ({ name: t.name, dtype: 'F32' as const, shape: t.shape, data: t.data })),
    metadata,
  )
}
