import { Worker } from 'node:worker_threads'
import type { BackendName } from '../backend/index.ts'
import type { CrowdtrainConfig } from '../config/index.ts'
import type { Task } from '../tasks/index.ts'
import { TrainingAbortedError, TrainingDivergedError, TrainingWorkerError } from './errors.ts'
import { postRebase, type RebaseSource, rebaseBuffer } from './rebase.ts'
import { replicaBuffer, stopReplicas } from './replicas.ts'
import type { TrainInputs, TrainJob, WorkerMessage } from './trainJob.ts'
import type { StepInfo, TrainShardReturnType } from './trainShard.ts'

/** One data-parallel training: trainShard's inputs, and what the workers load the task from. */
export type TrainOnPoolParameters = TrainInputs & {
  /** The task trained on (its dataset id is checked in every worker). */
  task: Task
  /** The config the workers load the task from. */
  config: CrowdtrainConfig
  backend: BackendName
  onStep?: (info: StepInfo) => void
  signal?: AbortSignal
  /**
   * A newer base to move onto mid-way (trainShard's `rebase`): asked after every step; the first model
   * it returns is posted to the workers, which move onto it after the same step (one rebase a training).
   */
  rebase?: RebaseSource
}

/** Worker threads kept between trainings: each starts its backend and loads the task once. One is fine: training then leaves the caller's thread free. */
export type TrainPool = {
  /** Worker threads a training uses (at most the batch's rows). */
  readonly workers: number
  /** trainShard, data-parallel on the pool's threads. */
  train(p: TrainOnPoolParameters): Promise<TrainShardReturnType>
  /** Ends every thread; a training in progress fails with TrainingAbortedError. */
  close(): Promise<void>
}

const WORKER_URL = new URL('./trainWorker.ts', import.meta.url)

/** Values a step exchanges: every gradient of the shard. */
function shardValues(p: TrainOnPoolParameters): number {
  const names = new Set(p.plan.shards[p.shard]?.names ?? [])
  return p.params.filter((t) => names.has(t.name)).reduce((n, t) => n + t.data.length, 0)
}

/** A thread and what it is doing: `idle` settles when its current job has ended, however it ended. */
type Slot = { worker: Worker; idle: Promise<void>; dead: boolean }

/**
 * A pool of `workers` training threads for data-parallel trainShard (replicas.ts): each
 * worker trains its slice of every batch, gradients are summed in slice order through shared
 * memory, and every worker applies the same update. The delta is deterministic for a given worker
 * count (not across counts: the batch's gradient is summed in another order). Threads stay between
 * trainings (a miner's rounds), so the backend start-up (~1.5 s a round on the default model) is
 * paid once; a thread that dies is replaced at the next training. Failures come back typed:
 * TrainingDivergedError, TrainingAbortedError, or TrainingWorkerError.
 */
export function createTrainPool(workers: number): TrainPool {
  if (!Number.isInteger(workers) || workers < 1)
    throw new RangeError(`a training pool needs 1 or more workers, got ${workers}`)
  const slots: Slot[] = []
  let closed = false
  let busy = false
  let running: { stop(err: Error): void } | undefined
  const spawn = (): Slot => {
    const slot: Slot = { worker: new Worker(WORKER_URL), idle: Promise.resolve(), dead: false }
    slot.worker.on('exit', () => {
      slot.dead = true
    })
    slot.worker.on('error', () => {
      slot.dead = true
    })
    return slot
  }
  return {
    workers,
    async train(p) {
      if (closed) throw new TrainingAbortedError(0, p.train.innerSteps, 'the training pool is closed')
      if (busy) throw new RangeError('the training pool is busy: one training at a time')
      busy = true
      try {
        return await trainOnce(p)
      } finally {
        busy = false
      }
    },
    async close() {
      closed = true
      running?.stop(new TrainingAbortedError(0, 0, 'the training pool was closed'))
      await Promise.all(slots.splice(0).map((s) => s.worker.terminate()))
    },
  }

  async function trainOnce(p: TrainOnPoolParameters): Promise<TrainShardReturnType> {
    const parts = Math.min(workers, p.train.batch)
    for (let i = 0; i < parts; i++) if (!slots[i] || slots[i].dead) slots[i] = spawn()
    const used = slots.slice(0, parts)
    // A worker still finishing a stopped training's step starts this one after it.
    await Promise.all(used.map((s) => s.idle))
    if (closed) throw new TrainingAbortedError(0, p.train.innerSteps, 'the training pool was closed')
    const { task, config, backend, onStep, signal, rebase, ...train } = p
    const buffer = replicaBuffer(parts, shardValues(p))
    const shared = rebase ? rebaseBuffer(p.params) : undefined
    let posted = false
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
          signal?.removeEventListener('abort', onAbort)
          reject(err)
        }
        running = { stop: fail }
        const onAbort = () => fail(new TrainingAbortedError(step, p.train.innerSteps, signal?.reason))
        if (signal?.aborted) return onAbort()
        signal?.addEventListener('abort', onAbort, { once: true })
        for (const [part, slot] of used.entries()) {
          const w = slot.worker
          let ended: () => void = () => {}
          slot.idle = new Promise<void>((r) => {
            ended = r
          })
          const finish = () => {
            w.off('message', onMessage)
            w.off('exit', onExit)
            ended()
          }
          const onMessage = (m: WorkerMessage) => {
            if (m.kind === 'step') {
              step = m.info.step + 1
              onStep?.(m.info)
              try {
                const target = shared && !posted ? rebase?.(step) : undefined
                if (shared && target) {
                  postRebase(shared, p.params, target)
                  posted = true
                }
              } catch (err) {
                fail(err instanceof Error ? err : new Error(String(err)))
              }
              return
            }
            finish()
            if (m.kind === 'error') fail(workerError(part, m.error, p.train.innerSteps))
            else {
              if (m.result) result = m.result
              if (--pending === 0) {
                signal?.removeEventListener('abort', onAbort)
                if (result) resolve(result)
                else fail(new TrainingWorkerError(0, 'it finished without a result'))
              }
            }
          }
          const onExit = (code: number) => {
            finish()
            fail(new TrainingWorkerError(part, `it exited (code ${code}) before finishing`))
          }
          w.on('message', onMessage)
          w.on('exit', onExit)
          const job: TrainJob = {
            part,
            parts,
            buffer,
            rebase: shared,
            backend,
            config,
            datasetId: task.datasetId,
            train,
          }
          w.postMessage(job)
        }
      })
    } finally {
      running = undefined
      stopReplicas(buffer)
    }
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
