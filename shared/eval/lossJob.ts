import type { BackendName } from '../backend/index.ts'
import type { CrowdtrainConfig } from '../config/index.ts'
import type { NamedTensor } from '../tensor.ts'

/** The first message to a scoring worker: what to load. */
export type LossWorkerInit = { kind: 'init'; backend: BackendName; config: CrowdtrainConfig; datasetId: string }
/** One loss to compute. */
export type LossWorkerRequest = { kind: 'loss'; id: number; params: readonly NamedTensor[]; pages: readonly number[] }
/** The answer to a request. */
export type LossWorkerReply = { id: number; loss: number } | { id: number; error: string }
