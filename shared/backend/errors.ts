import { BaseError } from '../errors/index.ts'

/** The requested TensorFlow.js backend package is not installed. */
export class BackendNotInstalledError extends BaseError {
  override name = 'BackendNotInstalledError'
  constructor(backend: string, packages: readonly string[], cause?: unknown) {
    super('backend.not-installed', `The "${backend}" backend is not installed.`, {
      details: `None of ${packages.join(', ')} could be loaded; run npm i ${packages[packages.length - 1]} (optional: its install downloads libtensorflow), or use --backend wasm.`,
      cause,
      meta: { backend, packages },
    })
  }
}

/** The backend package loaded but TensorFlow.js could not start it. */
export class BackendInitError extends BaseError {
  override name = 'BackendInitError'
  constructor(backend: string, cause?: unknown) {
    super('backend.init-failed', `The "${backend}" backend failed to start.`, {
      details: cause instanceof Error ? cause.message : 'TensorFlow.js refused to switch to it.',
      cause,
      meta: { backend },
    })
  }
}

/** A backend name other than wasm, webgpu, tensorflow or cpu. */
export class UnknownBackendError extends BaseError {
  override name = 'UnknownBackendError'
  constructor(backend: string) {
    super('backend.unknown', `Unknown compute backend "${backend}".`, {
      details: 'Choose one of: wasm, webgpu, tensorflow, cpu.',
      meta: { backend },
    })
  }
}

/** WebGPU loaded, but the machine offers no adapter (no GPU driver, no Vulkan/Metal/D3D12 device). */
export class NoGpuAdapterError extends BaseError {
  override name = 'NoGpuAdapterError'
  constructor() {
    super('backend.no-gpu-adapter', 'WebGPU found no GPU adapter on this machine.', {
      details:
        'Install the GPU vendor\'s driver (Linux: Vulkan, with the libvulkan1 loader; macOS: Metal; Windows: D3D12), or use --backend wasm. Without a GPU, VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json selects SwiftShader (Debian\'s chromium package), a Vulkan on the CPU: correct but slow, for tests (README "Backends").',
    })
  }
}
