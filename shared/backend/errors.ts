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

/** A backend name other than wasm, tensorflow or cpu. */
export class UnknownBackendError extends BaseError {
  override name = 'UnknownBackendError'
  constructor(backend: string) {
    super('backend.unknown', `Unknown compute backend "${backend}".`, {
      details: 'Choose one of: wasm, tensorflow, cpu.',
      meta: { backend },
    })
  }
}
