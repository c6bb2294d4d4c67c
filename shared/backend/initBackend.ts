import fs from 'node:fs'
import { createRequire } from 'node:module'
import os from 'node:os'
import path from 'node:path'
import * as tfCore from '@tensorflow/tfjs-core'
import type { Logger } from '../logger/index.ts'
import { BackendInitError, BackendNotInstalledError, NoGpuAdapterError, UnknownBackendError } from './errors.ts'
import { ensureGradients } from './gradients.ts'
import { patchWasmKernels } from './wasmKernels.ts'

/** The TensorFlow.js namespace every part computes with. */
export type Tf = typeof tfCore

/** The names `--backend` accepts. */
export const BACKEND_NAMES = ['wasm', 'webgpu', 'tensorflow', 'cpu'] as const
export type BackendName = (typeof BACKEND_NAMES)[number]
/**
 * The backends a validator may score with (and a subnet owner compute the genesis report loss with):
 * validators must agree bit for bit, and a GPU's kernels differ from one GPU to the next. WebGPU is
 * for miners, whose deltas are judged by what they do, not by how they were computed.
 */
export const SCORING_BACKENDS = ['wasm', 'tensorflow', 'cpu'] as const

/** A started backend: its name as TensorFlow.js reports it, the namespace bound to it, and (webgpu) the GPU adapter. */
export type Backend = { name: string; tf: Tf; adapter?: string }

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

/**
 * WebGPU through Dawn for Node (the npm package `webgpu`: Vulkan on Linux, Metal on macOS, D3D12 on
 * Windows) and tfjs' webgpu backend. Returns the adapter's name, as WebGPU reports it.
 */
async function startWebgpu(): Promise<{ tf: Tf; adapter: string }> {
  let webgpu: { create(options: string[]): GpuLike; globals: Record<string, unknown> }
  try {
    webgpu = (await importOptional('webgpu')) as unknown as typeof webgpu
  } catch (err) {
    throw new BackendNotInstalledError('webgpu', ['webgpu'], err)
  }
  // The Vulkan loader complains on stderr when XDG_RUNTIME_DIR is unset (a service, a container).
  if (!process.env.XDG_RUNTIME_DIR) process.env.XDG_RUNTIME_DIR = runtimeDir()
  const gpu = webgpu.create([])
  Object.assign(globalThis, webgpu.globals)
  Object.defineProperty(globalThis.navigator, 'gpu', { value: gpu, configurable: true })
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' })
  if (!adapter) throw new NoGpuAdapterError()
  // tfjs registers its webgpu backend only where navigator.gpu exists when the module loads.
  await import('@tensorflow/tfjs-backend-webgpu')
  const { vendor, architecture, description } = adapter.info ?? {}
  return { tf: tfCore, adapter: [vendor, architecture, description].filter(Boolean).join(' ') || 'unknown' }
}

/** What startWebgpu reads of a WebGPU implementation. */
type GpuLike = {
  requestAdapter(o: { powerPreference: string }): Promise<{
    info?: { vendor?: string; architecture?: string; description?: string }
  } | null>
}

/** A private folder for XDG_RUNTIME_DIR (mode 0700, as the spec asks). */
function runtimeDir(): string {
  const dir = path.join(os.tmpdir(), `crowdtrain-runtime-${process.getuid?.() ?? 'user'}`)
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 })
  return dir
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
 * npm, SIMD, one thread in Node), `webgpu` (a GPU through Dawn: Vulkan, Metal or D3D12), `tensorflow` (tfjs-node-gpu or tfjs-node when installed),
 * `cpu` (slow, a correctness reference).
 */
export async function initBackend(name: string, logger: Logger): Promise<Backend> {
  if (!(BACKEND_NAMES as readonly string[]).includes(name)) throw new UnknownBackendError(name)
  let tf: Tf
  let adapter: string | undefined
  if (name === 'wasm') tf = await startWasm()
  else if (name === 'cpu') tf = await startCpu()
  else if (name === 'webgpu') ({ tf, adapter } = await startWebgpu())
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
  const backend = { name: tf.getBackend(), tf, ...(adapter ? { adapter } : {}) }
  logger.info('compute backend ready', {
    backend: backend.name,
    simd: name === 'wasm' ? tf.env().getBool('WASM_HAS_SIMD_SUPPORT') : undefined,
    adapter,
  })
  return backend
}
