/**
 * A training worker thread (trainShardParallel): starts its own backend, loads the task, and trains
 * its slice of every batch, exchanging gradients with the other workers (replicas.ts). Worker 0
 * reports every step and returns the result; the others return nothing (their replicas are equal).
 */
import { parentPort } from 'node:worker_threads'
import { initBackend } from '../backend/index.ts'
import { describeError, isBaseError } from '../errors/index.ts'
import { silentLogger } from '../logger/index.ts'
import { loadTask } from '../tasks/index.ts'
import { createReplica } from './replicas.ts'
import type { TrainJob, WorkerMessage } from './trainJob.ts'
import { trainShard } from './trainShard.ts'

const port = parentPort
if (!port) throw new Error('trainWorker.ts runs as a worker thread (trainShardParallel)')

function post(message: WorkerMessage, transfer: ArrayBuffer[] = []): void {
  port?.postMessage(message, transfer)
}

// `on`, not `once`: the listener keeps this thread alive after its last message until the main
// thread ends it. Left to exit on its own, a worker's exit could reach the main thread before the
// result it had posted (seen in `bench train`: "exited (code 0) before finishing").
let started = false
port.on('message', async (job: TrainJob) => {
  if (started) return
  started = true
  try {
    const backend = await initBackend(job.backend, silentLogger)
    const task = loadTask(job.config.task.name, job.config)
    if (task.datasetId !== job.datasetId)
      throw new Error(`the worker loaded dataset ${task.datasetId}, the miner trains on ${job.datasetId}`)
    const replica = createReplica(job.buffer, job.part, job.parts)
    const result = await trainShard({
      ...job.train,
      task,
      backend,
      replica,
      onStep: job.part === 0 ? (info) => post({ kind: 'step', info }) : undefined,
    })
    if (job.part !== 0) return post({ kind: 'done' })
    const buffers = [...result.delta, ...result.optimizerState.m, ...result.optimizerState.v].map(
      (t) => t.data.buffer as ArrayBuffer,
    )
    post({ kind: 'done', result }, buffers)
  } catch (err) {
    post({
      kind: 'error',
      error: {
        name: err instanceof Error ? err.name : 'Error',
        message: describeError(err),
        meta: isBaseError(err) ? err.meta : {},
      },
    })
  }
})
