import * as tf from '@tensorflow/tfjs-core'
// tfjs-core leaves the gradient functions out of its bundle; training needs them.
import '@tensorflow/tfjs-core/dist/register_all_gradients'
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm'
import '@tensorflow/tfjs-backend-webgpu'
import type { Backend } from '../../shared/backend/index.ts'
import { patchWasmKernels } from '../../shared/backend/wasmKernels.ts'
import type { Logger } from '../../shared/logger/index.ts'

type GpuLike = {
  requestAdapter(): Promise<{ info?: { vendor?: string; architecture?: string; description?: string } } | null>
}

/**
 * The compute backend of a browser tab: WebGPU when the browser offers an adapter (a GPU, or a
 * software one), else wasm with SIMD from `wasmPath` (served by `crowdtrain web`). `prefer: 'wasm'`
 * skips WebGPU.
 */
export async function initBrowserBackend(params: {
  prefer: 'webgpu' | 'wasm'
  wasmPath: string
  logger: Logger
}): Promise<Backend> {
  const log = params.logger.forComponent('backend')
  tf.env().set('PROD', true)
  const gpu = (globalThis.navigator as { gpu?: GpuLike } | undefined)?.gpu
  if (params.prefer === 'webgpu' && gpu) {
    try {
      const adapter = await gpu.requestAdapter()
      if (adapter && (await tf.setBackend('webgpu'))) {
        await tf.ready()
        const info = adapter.info ?? {}
        const name = [info.vendor, info.architecture, info.description].filter(Boolean).join(' ') || 'unknown'
        log.info('compute backend ready', { backend: 'webgpu', adapter: name })
        return { name: 'webgpu', tf, adapter: name }
      }
      log.info('no WebGPU adapter: training on wasm')
    } catch (err) {
      log.warn('WebGPU failed to start: training on wasm', { reason: String(err) })
    }
  }
  setWasmPaths(params.wasmPath)
  if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend did not start')
  await tf.ready()
  patchWasmKernels(tf)
  const threads = tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT')
    ? (globalThis.navigator?.hardwareConcurrency ?? 1)
    : 1
  log.info('compute backend ready', {
    backend: 'wasm',
    simd: tf.env().getBool('WASM_HAS_SIMD_SUPPORT'),
    threads,
    crossOriginIsolated: (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true,
  })
  return { name: 'wasm', tf }
}
