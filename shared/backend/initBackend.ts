import { createRequire } from 'node:module'
import path from 'node:path'
import * as tfCore from '@tensorflow/tfjs-core'
import type { Logger } from '../logger/index.ts'
import { BackendInitError, BackendNotInstalledError, UnknownBackendError } from './errors.ts'
import { ensureGradients } from './gradients.ts'
import { patchWasmKernels } from './wasmKernels.ts'

/** The TensorFlow.js namespace every part computes with. */
export type Tf = typeof tfCore

/** The names `--backend` accepts. */
export const BACKEND_NAMES = ['wasm', 'tensorflow', 'cpu'] as const
export type BackendName = (typeof BACKEND_NAMES)[number]

/** A started backend: its name as TensorFlow.js reports it, and the namespace bound to it. */
export type Backend = { name: string; tf: Tf }

// Tried in order: the GPU build first, then the CPU build. Neither is a dependency.
const TENSORFLOW_PACKAGES = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'] as const

const require = createRequire(import.meta.url)

/** Imports an optional package by a name the type checker cannot see (so it need not be installed). */
async function importOptional(name: string): Promise<Record<string, unknown>> {
  return (await import(/* @vite-ignore */ name)) as Record<string, unknown>
}

async function startWasm(): Promise<Tf> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm')
  // Point the loader at the .wasm files shipped in node_modules so nothing is fetched.
  const dir = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm'))
  wasm.setWasmPaths(`${dir}${path.sep}`)
  return tfCore
}

async function startCpu(): Promise<Tf> {
  await import('@tensorflow/tfjs-backend-cpu')
  return tfCore
}

async function startTensorflow(logger: Logger): Promise<Tf> {
  const errors: unknown[] = []
  for (const pkg of TENSORFLOW_PACKAGES) {
    try {
      const mod = await importOptional(pkg)
      logger.debug('loaded tensorflow package', { package: pkg })
      // tfjs-node re-exports the whole tfjs API; it shares tfjs-core when versions match.
      return ((mod.default as Tf | undefined) ?? (mod as unknown as Tf)) satisfies Tf
    } catch (err) {
      errors.push(err)
    }
  }
  throw new BackendNotInstalledError('tensorflow', TENSORFLOW_PACKAGES, errors[errors.length - 1])
}

/**
 * Starts the named TensorFlow.js backend and makes it the current one: `wasm` (default, ships in
 * npm, SIMD, one thread in Node), `tensorflow` (tfjs-node-gpu or tfjs-node when installed),
 * `cpu` (slow, a correctness reference).
 */
export async function initBackend(name: string, logger: Logger): Promise<Backend> {
  if (!(BACKEND_NAMES as readonly string[]).includes(name)) throw new UnknownBackendError(name)
  let tf: Tf
  if (name === 'wasm') tf = await startWasm()
  else if (name === 'cpu') tf = await startCpu()
  else tf = await startTensorflow(logger)
  const tfName = name === 'tensorflow' ? 'tensorflow' : name
  let ok: boolean
  try {
    // PROD: no debug checks, and no console banner from the cpu backend.
    tf.env().set('PROD', true)
    if (tf === tfCore) await ensureGradients()
    ok = await tf.setBackend(tfName)
    await tf.ready()
  } catch (err) {
    throw new BackendInitError(name, err)
  }
  if (!ok || tf.getBackend() !== tfName) throw new BackendInitError(name)
  if (name === 'wasm') patchWasmKernels(tf)
  const backend = { name: tf.getBackend(), tf }
  logger.info('compute backend ready', {
    backend: backend.name,
    simd: name === 'wasm' ? tf.env().getBool('WASM_HAS_SIMD_SUPPORT') : undefined,
  })
  return backend
}
