import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'
import { isBaseError } from '../errors/index.ts'
import { memoryLogger } from '../logger/index.ts'
import { BackendNotInstalledError, UnknownBackendError } from './errors.ts'
import { initBackend } from './initBackend.ts'

const require = createRequire(import.meta.url)
const installed = (pkg: string) => {
  try {
    require.resolve(pkg)
    return true
  } catch {
    return false
  }
}

describe('initBackend', () => {
  it('default: wasm starts from the files in node_modules and says so', async () => {
    const logger = memoryLogger()
    const backend = await initBackend('wasm', logger)
    expect(backend.name).toBe('wasm')
    expect(backend.tf.getBackend()).toBe('wasm')
    expect(logger.records.some((r) => r.msg === 'compute backend ready' && r.backend === 'wasm')).toBe(true)
    const y = backend.tf.matMul(backend.tf.tensor2d([[1, 2]]), backend.tf.tensor2d([[3], [4]]))
    expect(Array.from(y.dataSync())).toEqual([11])
  })

  it('behavior: cpu starts and becomes the current backend', async () => {
    const backend = await initBackend('cpu', memoryLogger())
    expect(backend.tf.getBackend()).toBe('cpu')
  })

  it('error: an unknown backend name', async () => {
    await expect(initBackend('gpu', memoryLogger())).rejects.toBeInstanceOf(UnknownBackendError)
  })

  it('error: tensorflow without tfjs-node installed says what to install', async () => {
    if (installed('@tensorflow/tfjs-node') || installed('@tensorflow/tfjs-node-gpu')) {
      const backend = await initBackend('tensorflow', memoryLogger())
      expect(backend.name).toBe('tensorflow')
      return
    }
    const err = await initBackend('tensorflow', memoryLogger()).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(BackendNotInstalledError)
    expect(isBaseError(err, 'backend.not-installed')).toBe(true)
    expect((err as Error).message).toContain('npm i @tensorflow/tfjs-node')
  })
})
