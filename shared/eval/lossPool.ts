import { Worker } from 'node:worker_threads'
import type { Backend, BackendName } from '../backend/index.ts'
import type { CrowdtrainConfig } from '../config/index.ts'
import { describeError } from '../errors/index.ts'
import type { Logger } from '../logger/index.ts'
import type { Task } from '../tasks/index.ts'
import type { NamedTensor } from '../tensor.ts'
import { evaluateLoss } from './evaluateLoss.ts'
import type { LossWorkerReply, LossWorkerRequest } from './lossJob.ts'

/** Computes evaluateLoss for the task's model on eval pages, on this thread or on several. */
export type LossEvaluator = {
  /** How many losses it computes at once: a caller keeps no more models than this in flight. */
  readonly workers: number
  loss(params: readonly NamedTensor[], pages: readonly number[]): Promise<number>
  close(): Promise<void>
}

type Setup = { task: Task; config: CrowdtrainConfig; backend: Backend }

/** evaluateLoss on this thread, one at a time. */
export function inProcessLosses(p: Setup): LossEvaluator {
  let queue: Promise<unknown> = Promise.resolve()
  return {
    workers: 1,
    loss(params, pages) {
      const run = queue.then(() =>
        evaluateLoss({ task: p.task, modelConfig: p.config.model, backend: p.backend, params, pages }),
      )
      queue = run.catch(() => undefined)
      return run
    },
    close: async () => undefined,
  }
}

const WORKER_URL = new URL('./lossWorker.ts', import.meta.url)

/** A worker and the job it computes: `retry` computes it on this thread, `fail` gives up on it. */
type Slot = {
  worker: Worker
  busy?: { id: number; resolve(x: number): void; retry(): void; fail(e: Error): void }
}
type Job = {
  params: readonly NamedTensor[]
  pages: readonly number[]
  resolve(x: number): void
  reject(e: Error): void
}

/**
 * `workers` scoring threads (workers ≥ 2; else evaluateLoss on this thread): each job goes to an idle
 * worker. A loss does not depend on the thread that computed it (the same code on the same backend;
 * test/workers.test.ts checks it), so neither do scores nor checkpoints. A worker that fails
 * is dropped and its job computed on this thread, so a validator's fault never becomes a miner's zero.
 */
export function createLossPool(p: Setup & { workers: number; logger: Logger }): LossEvaluator {
  const local = inProcessLosses(p)
  if (p.workers < 2) return local
  const slots: Slot[] = []
  const queue: Job[] = []
  let nextId = 0
  let closed = false
  const drop = (slot: Slot, reason: string) => {
    const i = slots.indexOf(slot)
    if (i < 0) return
    slots.splice(i, 1)
    p.logger.warn('scoring worker failed; its losses are computed on the main thread', { reason })
    void slot.worker.terminate()
    slot.busy?.retry()
    slot.busy = undefined
    if (slots.length === 0)
      for (const job of queue.splice(0)) local.loss(job.params, job.pages).then(job.resolve, job.reject)
  }
  const pump = () => {
    for (const slot of slots) {
      if (slot.busy || queue.length === 0) continue
      const job = queue.shift() as Job
      const id = nextId++
      slot.busy = {
        id,
        resolve: job.resolve,
        // A failing worker's job, or one it refused (its typed error comes from this thread).
        retry: () => void local.loss(job.params, job.pages).then(job.resolve, job.reject),
        fail: job.reject,
      }
      const request: LossWorkerRequest = { kind: 'loss', id, params: job.params, pages: job.pages }
      slot.worker.postMessage(request)
    }
  }
  for (let i = 0; i < p.workers; i++) {
    const slot: Slot = { worker: new Worker(WORKER_URL) }
    slots.push(slot)
    slot.worker.postMessage({
      kind: 'init',
      backend: p.backend.name as BackendName,
      config: p.config,
      datasetId: p.task.datasetId,
    })
    slot.worker.on('message', (m: LossWorkerReply) => {
      const busy = slot.busy
      if (!busy || busy.id !== m.id) return
      slot.busy = undefined
      // A job the worker refused (a bad input) is computed here, for its typed error; the worker stays.
      if ('error' in m) busy.retry()
      else busy.resolve(m.loss)
      pump()
    })
    slot.worker.on('error', (err) => drop(slot, describeError(err)))
    slot.worker.on('exit', (code) => {
      if (!closed) drop(slot, `the worker exited (code ${code})`)
    })
  }
  return {
    workers: p.workers,
    loss(params, pages) {
      if (closed || slots.length === 0) return local.loss(params, pages)
      return new Promise<number>((resolve, reject) => {
        queue.push({ params, pages, resolve, reject })
        pump()
      })
    },
    async close() {
      closed = true
      for (const s of slots) s.busy?.fail(new Error('scoring stopped'))
      await Promise.all(slots.splice(0).map((s) => s.worker.terminate()))
      for (const job of queue.splice(0)) job.reject(new Error('scoring stopped'))
    },
  }
}
