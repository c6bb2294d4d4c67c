export { BackendInitError, BackendNotInstalledError, UnknownBackendError } from './errors.ts'
export { BACKEND_NAMES, type Backend, type BackendName, initBackend, type Tf } from './initBackend.ts'
export { addPositions, embed, layerNorm, linear, matmul } from './ops.ts'
