/** A language-modelling task: a token stream cut into pages of `pageTokens` tokens. */
export type LmTask = {
  kind: 'lm'
  name: string
  /** Stable id of the dataset content: a changed text is a different dataset. */
  datasetId: string
  vocabSize: number
  pageTokens: number
  pageCount: number
  modelKind: 'gpt'
  /** The tokens of page `i` (a fresh copy). */
  page(i: number): Int32Array
  encode(s: string): Int32Array
  decode(ids: ArrayLike<number>): string
}

/** A classification task: examples cut into pages of `pageTokens` examples. */
export type ClassifyTask = {
  kind: 'classify'
  name: string
  datasetId: string
  classes: number
  /** Features per example (784 for 28×28 digits). */
  inputSize: number
  /** Examples per page. */
  pageTokens: number
  pageCount: number
  modelKind: 'mlp'
  /** The examples of page `i` (fresh copies): x is row-major [pageTokens, inputSize]. */
  page(i: number): { x: Float32Array; y: Int32Array }
}

/** Any task. */
export type Task = LmTask | ClassifyTask

/** Next-token batch: x and y are row-major [B, T]; y is x shifted by one. */
export type LmBatch = { kind: 'lm'; x: Int32Array; y: Int32Array; B: number; T: number }

/** Classification batch: x is row-major [B, inputSize], y holds class ids. */
export type ClassifyBatch = { kind: 'classify'; x: Float32Array; y: Int32Array; B: number; inputSize: number }

/** A batch of either kind. */
export type Batch = LmBatch | ClassifyBatch
