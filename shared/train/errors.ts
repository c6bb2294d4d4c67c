import { BaseError } from '../errors/index.ts'

/** Training stopped because its AbortSignal fired. */
export class TrainingAbortedError extends BaseError {
  override name = 'TrainingAbortedError'
  constructor(step: number, steps: number, cause?: unknown) {
    super('train.aborted', `Training was stopped after ${step} of ${steps} steps.`, { cause, meta: { step, steps } })
  }
}

/** The loss became NaN or infinite: the delta would be garbage, so none is produced. */
export class TrainingDivergedError extends BaseError {
  override name = 'TrainingDivergedError'
  constructor(step: number, loss: number) {
    super('train.diverged', `Training diverged at step ${step}: the loss is ${loss}.`, {
      details: 'Lower train.lr, raise train.warmupSteps, or keep train.clip on.',
      meta: { step, loss },
    })
  }
}

/** A data-parallel replica was told to stop (another worker failed, or training was stopped). */
export class ReplicaStoppedError extends BaseError {
  override name = 'ReplicaStoppedError'
  constructor(part: number) {
    super('train.replica-stopped', `Training worker ${part} was stopped.`, { meta: { part } })
  }
}

/** A training worker thread failed in a way that is not a training error (it crashed, or could not start). */
export class TrainingWorkerError extends BaseError {
  override name = 'TrainingWorkerError'
  constructor(part: number, reason: string, cause?: unknown) {
    super('train.worker', `Training worker ${part} failed: ${reason}`, {
      cause,
      details: 'Run with --workers 1 to train on the main thread.',
      meta: { part },
    })
  }
}
