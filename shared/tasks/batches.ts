import type { Rng } from '../random.ts'
import { EmptyPageSetError, InvalidBatchParameterError, PageOutOfRangeError, WindowTooLargeError } from './errors.ts'
import type { Batch, ClassifyBatch, ClassifyTask, LmBatch, LmTask, Task } from './types.ts'

/** Default rows per eval batch: LM windows, classification examples. */
export const DEFAULT_EVAL_BATCH = { lm: 32, classify: 256 } as const

function positiveInt(what: string, v: number): void {
  if (!Number.isSafeInteger(v) || v < 1) throw new InvalidBatchParameterError(what, v)
}

function checkPages(task: Task, pages: readonly number[], purpose: string): void {
  if (pages.length === 0) throw new EmptyPageSetError(purpose)
  for (const p of pages) {
    if (!Number.isInteger(p) || p < 0 || p >= task.pageCount)
      throw new PageOutOfRangeError(p, task.pageCount, task.datasetId)
  }
}

/** Fetches pages once per call, not once per row. */
function pageCache<V>(load: (i: number) => V): (i: number) => V {
  const seen = new Map<number, V>()
  return (i) => {
    let v = seen.get(i)
    if (v === undefined) {
      v = load(i)
      seen.set(i, v)
    }
    return v
  }
}

/**
 * A random training batch from the given pages. Per row, in order: page = pages[rng.int(pages.length)],
 * then (lm) start = rng.int(pageTokens − T), window = tokens[start, start + T] (T + 1 tokens, never
 * crossing a page), x = window[0..T), y = window[1..T]; (classify) example = rng.int(pageTokens).
 * The same rng state gives the same batch.
 */
export function sampleBatch(task: Task, pages: readonly number[], rng: Rng, batchSize: number, context: number): Batch {
  positiveInt('batch size', batchSize)
  checkPages(task, pages, 'sample a batch from')
  if (task.kind === 'classify') return sampleClassify(task, pages, rng, batchSize)
  positiveInt('context', context)
  if (context + 1 > task.pageTokens) throw new WindowTooLargeError(context, task.pageTokens)
  const T = context
  const page = pageCache((i) => task.page(i))
  const x = new Int32Array(batchSize * T)
  const y = new Int32Array(batchSize * T)
  for (let b = 0; b < batchSize; b++) {
    const tokens = page(pages[rng.int(pages.length)])
    const start = rng.int(task.pageTokens - T)
    x.set(tokens.subarray(start, start + T), b * T)
    y.set(tokens.subarray(start + 1, start + T + 1), b * T)
  }
  return { kind: 'lm', x, y, B: batchSize, T }
}

function sampleClassify(task: ClassifyTask, pages: readonly number[], rng: Rng, batchSize: number): ClassifyBatch {
  const page = pageCache((i) => task.page(i))
  const n = task.inputSize
  const x = new Float32Array(batchSize * n)
  const y = new Int32Array(batchSize)
  for (let b = 0; b < batchSize; b++) {
    const p = page(pages[rng.int(pages.length)])
    const e = rng.int(task.pageTokens)
    x.set(p.x.subarray(e * n, (e + 1) * n), b * n)
    y[b] = p.y[e]
  }
  return { kind: 'classify', x, y, B: batchSize, inputSize: n }
}

/**
 * Deterministic batches that cover the pages, in the order given. LM: each page is cut into
 * floor(pageTokens / (T + 1)) non-overlapping windows of T + 1 tokens from its start; windows are
 * grouped into batches of at most `maxBatch` rows (the last batch may be smaller). Classify: every
 * example of every page, in page order, `maxBatch` per batch.
 */
export function evalBatches(task: Task, pages: readonly number[], context: number, maxBatch?: number): Batch[] {
  checkPages(task, pages, 'evaluate')
  const rows = maxBatch ?? DEFAULT_EVAL_BATCH[task.kind]
  positiveInt('max batch', rows)
  return task.kind === 'lm' ? evalLm(task, pages, context, rows) : evalClassify(task, pages, rows)
}

function evalLm(task: LmTask, pages: readonly number[], context: number, rows: number): LmBatch[] {
  positiveInt('context', context)
  const T = context
  const perPage = Math.floor(task.pageTokens / (T + 1))
  if (perPage === 0) throw new WindowTooLargeError(context, task.pageTokens)
  const starts: { page: number; start: number }[] = []
  for (const page of pages) for (let w = 0; w < perPage; w++) starts.push({ page, start: w * (T + 1) })
  const page = pageCache((i) => task.page(i))
  const out: LmBatch[] = []
  for (let at = 0; at < starts.length; at += rows) {
    const group = starts.slice(at, at + rows)
    const x = new Int32Array(group.length * T)
    const y = new Int32Array(group.length * T)
    group.forEach(({ page: p, start }, b) => {
      const tokens = page(p)
      x.set(tokens.subarray(start, start + T), b * T)
      y.set(tokens.subarray(start + 1, start + T + 1), b * T)
    })
    out.push({ kind: 'lm', x, y, B: group.length, T })
  }
  return out
}

function evalClassify(task: ClassifyTask, pages: readonly number[], rows: number): ClassifyBatch[] {
  const n = task.inputSize
  const all = pages.map((p) => task.page(p))
  const total = pages.length * task.pageTokens
  const out: ClassifyBatch[] = []
  for (let at = 0; at < total; at += rows) {
    const B = Math.min(rows, total - at)
    const x = new Float32Array(B * n)
    const y = new Int32Array(B)
    for (let b = 0; b < B; b++) {
      const p = all[Math.floor((at + b) / task.pageTokens)]
      const e = (at + b) % task.pageTokens
      x.set(p.x.subarray(e * n, (e + 1) * n), b * n)
      y[b] = p.y[e]
    }
    out.push({ kind: 'classify', x, y, B, inputSize: n })
  }
  return out
}
