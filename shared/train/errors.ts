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
