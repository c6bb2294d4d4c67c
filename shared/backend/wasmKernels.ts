import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core'
import type { Tf } from './initBackend.ts'

/** The parts of tfjs-backend-wasm's backend object the kernels below use. */
type WasmBackend = {
  makeOutput(shape: number[], dtype: string): TensorInfo
  typedArrayFromHeap(t: TensorInfo): Float32Array | Int32Array | Uint8Array
}

/**
 * Copies the box `begin`/`size` of x into a new tensor, reading x through a view of the wasm heap.
 * The inner axes that are taken whole form one contiguous run per outer index.
 */
function sliceByView(backend: WasmBackend, x: TensorInfo, begin: number[], size: number[]): TensorInfo {
  const out = backend.makeOutput(size, x.dtype)
  // Views only after makeOutput: growing the heap detaches views taken before.
  const src = backend.typedArrayFromHeap(x)
  const dst = backend.typedArrayFromHeap(out)
  const rank = x.shape.length
  const strides = new Array<number>(rank)
  let acc = 1
  for (let a = rank - 1; a >= 0; a--) {
    strides[a] = acc
    acc *= x.shape[a]
  }
  // Innermost axis that is not taken whole; everything inside it is one run.
  let split = rank - 1
  while (split > 0 && size[split] === x.shape[split] && begin[split] === 0) split--
  const run = rank === 0 ? 1 : size[split] * strides[split]
  const outer = size.slice(0, split)
  const count = outer.reduce((n, d) => n * d, 1)
  const idx = new Array<number>(split).fill(0)
  for (let r = 0; r < count; r++) {
    let offset = rank === 0 ? 0 : begin[split] * strides[split]
    for (let a = 0; a < split; a++) offset += (begin[a] + idx[a]) * strides[a]
    dst.set(src.subarray(offset, offset + run), r * run)
    for (let a = split - 1; a >= 0; a--) {
      if (++idx[a] < outer[a]) break
      idx[a] = 0
    }
  }
  return out
}

/**
 * Replaces the wasm backend's Slice and SplitV kernels (tfjs 4.22) with ones that read their
 * input through a heap view. The shipped ones copy the WHOLE input out of the heap for every
 * slice (`readSync`), so splitting a [B·H, T, D] tensor into B·H pieces cost B·H full copies.
 * Same results, bit for bit; string tensors keep the original kernels.
 */
export function patchWasmKernels(tf: Tf): void {
  const original = tf.getKernel('Slice', 'wasm')
  if (!original || (original as { patched?: boolean }).patched) return
  const slice: KernelFunc = (args) => {
    const x = args.inputs.x as TensorInfo
    if (x.dtype === 'string') return original.kernelFunc(args)
    const attrs = args.attrs as NamedAttrMap
    const [b, s] = tf.slice_util.parseSliceParams(x, attrs.begin as number[], attrs.size as number[])
    return sliceByView(args.backend as WasmBackend, x, b, s)
  }
  const splitOriginal = tf.getKernel('SplitV', 'wasm')
  const splitV: KernelFunc = (args) => {
    const x = args.inputs.x as TensorInfo
    if (x.dtype === 'string' && splitOriginal) return splitOriginal.kernelFunc(args)
    const attrs = args.attrs as NamedAttrMap
    const axis = tf.util.parseAxisParam(attrs.axis as number, x.shape)[0]
    const sizes = tf.backend_util.prepareSplitSize(x as never, attrs.numOrSizeSplits as number[] | number, axis)
    const begin = new Array<number>(x.shape.length).fill(0)
    return sizes.map((n) => {
      const size = [...x.shape]
      size[axis] = n
      const piece = sliceByView(args.backend as WasmBackend, x, [...begin], size)
      begin[axis] += n
      return piece
    })
  }
  tf.unregisterKernel('Slice', 'wasm')
  tf.registerKernel({ ...original, kernelFunc: slice, patched: true } as KernelConfig)
  if (splitOriginal) {
    tf.unregisterKernel('SplitV', 'wasm')
    tf.registerKernel({ ...splitOriginal, kernelFunc: splitV } as KernelConfig)
  }
}
