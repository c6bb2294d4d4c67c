/**
 * A training worker thread (createTrainPool): starts its own backend, loads the task, and trains
 * its slice of every batch, exchanging gradients with the other workers (replicas.ts). Worker 0
 * reports every step and returns the result; the others return nothing (their replicas are equal).
 */
import { parentPort } from 'node:worker_threads'
import { type Backend, initBackend } from '../backend/index.ts'
import { describeError, isBaseError } from '../errors/index.ts'
import { silentLogger } from '../logger/index.ts'
import { loadTask, type Task } from '../tasks/index.ts'
import type { NamedTensor } from '../tensor.ts'
import { readRebase, rebasePosted } from './rebase.ts'
import { createReplica } from './replicas.ts'
import type { TrainJob, WorkerMessage } from './trainJob.ts'
import { trainShard } from './trainShard.ts'

const port = parentPort
if (!port) throw new Error('trainWorker.ts runs as a worker thread (createTrainPool)')

function post(message: WorkerMessage, transfer: ArrayBuffer[] = []): void {
  port?.postMessage(message, transfer)
}

// Jobs one after another (the main thread sends the next only when this one has ended, but a
// stopped job may still be finishing its step). The listener keeps the thread alive between jobs
// until the main thread ends it: left to exit on its own, a worker's exit could reach the main
// thread before the result it had posted.
let queue: Promise<void> = Promise.resolve()
let loaded: { key: string; backend: Backend; task: Task } | undefined
port.on('message', (job: TrainJob) => {
  queue = queue.then(() => run(job))
})

async function run(job: TrainJob): Promise<void> {
  try {
    // Backend and task once per thread (the same subnet config every round).
    const key = `${job.backend}|${job.config.task.name}|${job.datasetId}`
    if (loaded?.key !== key) {
      const backend = await initBackend(job.backend, silentLogger)
      const task = loadTask(job.config.task.name, job.config)
      if (task.datasetId !== job.datasetId)
        throw new Error(`the worker loaded dataset ${task.datasetId}, the miner trains on ${job.datasetId}`)
      loaded = { key, backend, task }
    }
    const shared = job.rebase
    const replica = createReplica(job.buffer, job.part, job.parts, shared && (() => rebasePosted(shared)))
    let moved: NamedTensor[] | undefined
    // Every replica moves after the exchange in which worker 0 first saw the posted base.
    const rebase = () => {
      if (shared && replica.rebaseAgreed()) moved = moved ?? readRebase(shared, job.train.params)
      return moved
    }
    const result = await trainShard({
      ...job.train,
      // Every replica holds the same state: worker 0 alone records it.
      snapshotEvery: job.part === 0 ? job.train.snapshotEvery : undefined,
      task: loaded.task,
      backend: loaded.backend,
      replica,
      rebase: shared ? rebase : undefined,
      onStep: job.part === 0 ? (info) => post({ kind: 'step', info }) : undefined,
    })
    if (job.part !== 0) return post({ kind: 'done' })
    const snapped = (result.snapshots ?? []).flatMap((s) => [...s.values, ...s.m, ...s.v])
    const buffers = [...result.delta, ...result.optimizerState.m, ...result.optimizerState.v, ...snapped].map(
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
}
