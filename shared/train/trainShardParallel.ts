import { Worker } from 'node:worker_threads'
import type { BackendName } from '../backend/index.ts'
import type { CrowdtrainConfig } from '../config/index.ts'
import type { Task } from '../tasks/index.ts'
import { TrainingAbortedError, TrainingDivergedError, TrainingWorkerError } from './errors.ts'
import { replicaBuffer, stopReplicas } from './replicas.ts'
import type { TrainInputs, TrainJob, WorkerMessage } from './trainJob.ts'
import type { StepInfo, TrainShardReturnType } from './trainShard.ts'

export type TrainShardParallelParameters = TrainInputs & {
  /** The task trained on (its dataset id is checked in every worker). */
  task: Task
  /** The config the workers load the task from. */
  config: CrowdtrainConfig
  backend: BackendName
  /** Worker threads, 2 or more (at most the batch's rows; more would get empty slices). */
  workers: number
  onStep?: (info: StepInfo) => void
  signal?: AbortSignal
}

const WORKER_URL = new URL('./trainWorker.ts', import.meta.url)

/** Values a step exchanges: every gradient of the shard. */
function shardValues(p: TrainShardParallelParameters): number {
  const names = new Set(p.plan.shards[p.shard]?.names ?? [])
  return p.params.filter((t) => names.has(t.name)).reduce((n, t) => n + t.data.length, 0)
}

/**
 * trainShard on `workers` threads, data-parallel (replicas.ts): each worker trains its slice of
 * every batch, gradients are summed in slice order through shared memory, and every worker applies
 * the same update. The delta is deterministic for a given worker count (not across counts: the
 * batch's gradient is summed in another order). Failures come back typed: TrainingDivergedError,
 * TrainingAbortedError, or TrainingWorkerError; no worker outlives the call.
 */
export async function trainShardParallel(p: TrainShardParallelParameters): Promise<TrainShardReturnType> {
  const parts = Math.min(p.workers, p.train.batch)
  if (!Number.isInteger(parts) || parts < 2)
    throw new RangeError(`trainShardParallel needs 2 or more workers, got ${p.workers}`)
  const { task, config, backend, workers: _, onStep, signal, ...train } = p
  const buffer = replicaBuffer(parts, shardValues(p))
  const threads: Worker[] = []
  let step = 0
  try {
    return await new Promise<TrainShardReturnType>((resolve, reject) => {
      let pending = parts
      let result: TrainShardReturnType | undefined
      let failed = false
      const fail = (err: Error) => {
        if (failed) return
        failed = true
        stopReplicas(buffer)
        reject(err)
      }
      const onAbort = () => fail(new TrainingAbortedError(step, p.train.innerSteps, signal?.reason))
      if (signal?.aborted) return onAbort()
      signal?.addEventListener('abort', onAbort, { once: true })
      for (let part = 0; part < parts; part++) {
        const w = new Worker(WORKER_URL)
        threads.push(w)
        w.on('message', (m: WorkerMessage) => {
          if (m.kind === 'step') {
            step = m.info.step + 1
            onStep?.(m.info)
          } else if (m.kind === 'error') fail(workerError(part, m.error, p.train.innerSteps))
          else {
            if (m.result) result = m.result
            if (--pending === 0) {
              signal?.removeEventListener('abort', onAbort)
              if (result) resolve(result)
              else fail(new TrainingWorkerError(0, 'it finished without a result'))
            }
          }
        })
        w.on('error', (err) => fail(new TrainingWorkerError(part, err.message, err)))
        w.on('exit', (code) => {
          if (pending > 0) fail(new TrainingWorkerError(part, `it exited (code ${code}) before finishing`))
        })
        const job: TrainJob = { part, parts, buffer, backend, config, datasetId: task.datasetId, train }
        w.postMessage(job)
      }
    })
  } finally {
    stopReplicas(buffer)
    await Promise.all(threads.map((w) => w.terminate()))
  }
}

/** A worker's error as the typed error it was, where the main thread knows the type. */
function workerError(
  part: number,
  e: { name: string; message: string; meta: Record<string, unknown> },
  steps: number,
): Error {
  const meta = e.meta
  if (e.name === 'TrainingDivergedError') return new TrainingDivergedError(Number(meta.step), Number(meta.loss))
  if (e.name === 'TrainingAbortedError') return new TrainingAbortedError(Number(meta.step), steps)
  return new TrainingWorkerError(part, e.message)
}
