import { statSync } from 'node:fs'
import { resolve } from 'node:path'
import { u8aToHex } from '@polkadot/util'
import { blake2AsU8a } from '@polkadot/util-crypto'
import type { CrowdtrainConfig } from '../config/index.ts'
import { createRng } from '../random.ts'
import { charTokenizer } from './charTokenizer.ts'
import {
  MNIST_SIDE,
  type MnistData,
  mnistDigits,
  mobyDickText,
  type RequireFn,
  sotuText,
  textFile,
} from './datasets.ts'
import { DatasetTooSmallError, InvalidBatchParameterError, PageOutOfRangeError, UnknownTaskError } from './errors.ts'
import type { ClassifyTask, LmTask, Task } from './types.ts'

/** The task names the registry knows (`text:<file>` takes any path after the colon). */
export const KNOWN_TASKS = ['moby-char', 'sotu-char', 'text:<file>', 'mnist-mlp'] as const

/** Options for tests and tools: where to resolve dataset packages from. */
export type LoadTaskOptions = { require?: RequireFn }

type TokenSource = { tokens: Int32Array; datasetId: string }
type DigitSource = { data: MnistData; datasetId: string }

// Loaded datasets by source key: a second loadTask of the same data costs nothing.
const tokenCache = new Map<string, TokenSource>()
const digitCache = new Map<string, DigitSource>()

/** The first 8 bytes of blake2b-256, as hex: short enough for logs, long enough to tell datasets apart. */
function shortHash(bytes: Uint8Array): string {
  return u8aToHex(blake2AsU8a(bytes, 256).subarray(0, 8), -1, false)
}

/**
 * A token stream and its id. datasetId = "<prefix>@<hex of the first 8 bytes of blake2b-256 of the
 * token ids, one byte each>" (ids < 97), so it changes whenever the text or the tokenizer does.
 */
function tokenSource(key: string, prefix: string, load: () => string, cache: boolean): TokenSource {
  const hit = cache ? tokenCache.get(key) : undefined
  if (hit) return hit
  const tokens = charTokenizer.encode(load())
  const src = { tokens, datasetId: `${prefix}@${shortHash(Uint8Array.from(tokens))}` }
  if (cache) tokenCache.set(key, src)
  return src
}

/** Loads (or reuses) the token stream of a text task. */
function textSource(name: string, opts: LoadTaskOptions): TokenSource {
  const cache = opts.require === undefined // a custom resolver is a different install: never share its data
  if (name === 'moby-char') return tokenSource('moby-char', 'moby-char', () => mobyDickText(opts.require), cache)
  if (name === 'sotu-char') return tokenSource('sotu-char', 'sotu-char', () => sotuText(opts.require), cache)
  const path = name.slice('text:'.length)
  let key = `text:${resolve(path)}`
  try {
    const st = statSync(path)
    key += `:${st.size}:${st.mtimeMs}` // an edited file is loaded (and identified) afresh
  } catch {
    // textFile() below reports the missing file with a proper error.
  }
  return tokenSource(key, 'text', () => textFile(path).text, cache)
}

function checkPage(i: number, pageCount: number, datasetId: string): void {
  if (!Number.isInteger(i) || i < 0 || i >= pageCount) throw new PageOutOfRangeError(i, pageCount, datasetId)
}

function positiveInt(what: string, v: number): number {
  if (!Number.isSafeInteger(v) || v < 1) throw new InvalidBatchParameterError(what, v)
  return v
}

/** A character-level LM task over a token stream; the last partial page is dropped. */
function lmTask(name: string, src: TokenSource, pageTokens: number): LmTask {
  const pageCount = Math.floor(src.tokens.length / pageTokens)
  if (pageCount === 0) throw new DatasetTooSmallError(name, src.tokens.length, pageTokens, 'tokens')
  return {
    kind: 'lm',
    name,
    datasetId: src.datasetId,
    vocabSize: charTokenizer.vocabSize,
    pageTokens,
    pageCount,
    modelKind: 'gpt',
    page(i) {
      checkPage(i, pageCount, src.datasetId)
      return src.tokens.slice(i * pageTokens, (i + 1) * pageTokens)
    },
    encode: charTokenizer.encode,
    decode: charTokenizer.decode,
  }
}

/**
 * MNIST in a fixed order: all digits permuted by createRng("mnist-mlp/order/v1").shuffle, so that
 * every page mixes classes. datasetId = "mnist-mlp@<8-byte blake2b-256 hex of the permuted pixels
 * (u8) followed by the permuted labels (u8)>".
 */
function digitSource(opts: LoadTaskOptions): DigitSource {
  const cache = opts.require === undefined
  const hit = cache ? digitCache.get('mnist-mlp') : undefined
  if (hit) return hit
  const raw = mnistDigits(opts.require)
  const px = MNIST_SIDE * MNIST_SIDE
  const order = createRng('mnist-mlp/order/v1').shuffle(Array.from({ length: raw.count }, (_, i) => i))
  const pixels = new Uint8Array(raw.count * px)
  const labels = new Int32Array(raw.count)
  order.forEach((from, to) => {
    pixels.set(raw.pixels.subarray(from * px, (from + 1) * px), to * px)
    labels[to] = raw.labels[from]
  })
  const idBytes = new Uint8Array(pixels.length + labels.length)
  idBytes.set(pixels)
  idBytes.set(labels, pixels.length)
  const src = { data: { pixels, labels, count: raw.count }, datasetId: `mnist-mlp@${shortHash(idBytes)}` }
  if (cache) digitCache.set('mnist-mlp', src)
  return src
}

/** The MNIST MLP task; x values are pixel/255 in float32. */
function mnistTask(name: string, src: DigitSource, perPage: number): ClassifyTask {
  const inputSize = MNIST_SIDE * MNIST_SIDE
  const pageCount = Math.floor(src.data.count / perPage)
  if (pageCount === 0) throw new DatasetTooSmallError(name, src.data.count, perPage, 'examples')
  return {
    kind: 'classify',
    name,
    datasetId: src.datasetId,
    classes: 10,
    inputSize,
    pageTokens: perPage,
    pageCount,
    modelKind: 'mlp',
    page(i) {
      checkPage(i, pageCount, src.datasetId)
      const from = i * perPage
      const x = new Float32Array(perPage * inputSize)
      const pixels = src.data.pixels.subarray(from * inputSize, (from + perPage) * inputSize)
      for (let k = 0; k < x.length; k++) x[k] = pixels[k] / 255
      return { x, y: src.data.labels.slice(from, from + perPage) }
    },
  }
}

/**
 * The task named `name` (moby-char, sotu-char, text:<file>, mnist-mlp), paged by the config:
 * task.pageTokens tokens per page for text, task.pageExamples examples per page for mnist-mlp.
 * Datasets are cached in memory, so loading a task twice is cheap.
 */
export function loadTask(name: string, config: CrowdtrainConfig, opts: LoadTaskOptions = {}): Task {
  if (name === 'moby-char' || name === 'sotu-char' || (name.startsWith('text:') && name.length > 5)) {
    return lmTask(name, textSource(name, opts), positiveInt('task.pageTokens', config.task.pageTokens))
  }
  if (name === 'mnist-mlp') {
    return mnistTask(name, digitSource(opts), positiveInt('task.pageExamples', config.task.pageExamples ?? 32))
  }
  throw new UnknownTaskError(name, KNOWN_TASKS)
}

/**
 * The text a text task is made of, exactly as `loadTask` reads it (a browser miner fetches it from
 * `crowdtrain web` and builds the same task with `taskFromText`); undefined for tasks that are not text.
 */
export function taskText(name: string, opts: LoadTaskOptions = {}): string | undefined {
  if (name === 'moby-char') return mobyDickText(opts.require)
  if (name === 'sotu-char') return sotuText(opts.require)
  if (name.startsWith('text:') && name.length > 5) return textFile(name.slice('text:'.length)).text
  return undefined
}

/**
 * The text task `name` built from its text (`taskText`), where the dataset packages cannot be read
 * (a browser tab). Its `datasetId` is computed from the text, so a different text gives another id and
 * pages no validator would accept.
 */
export function taskFromText(name: string, text: string, config: CrowdtrainConfig): Task {
  if (!(name === 'moby-char' || name === 'sotu-char' || (name.startsWith('text:') && name.length > 5)))
    throw new UnknownTaskError(name, ['moby-char', 'sotu-char', 'text:<file>'])
  const prefix = name.startsWith('text:') ? 'text' : name
  const src = tokenSource(`${name}:given`, prefix, () => text, false)
  return lmTask(name, src, positiveInt('task.pageTokens', config.task.pageTokens))
}

/** Drops cached datasets (tests; a long-lived process that wants the memory back). */
export function clearTaskCache(): void {
  tokenCache.clear()
  digitCache.clear()
}
