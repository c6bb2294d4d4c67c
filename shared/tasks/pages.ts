import { hexToU8a, isHex } from '@polkadot/util'
import { createRng, type SeedPart, seedBytes } from '../random.ts'
import { InvalidPageArgumentError, NotEnoughPagesError } from './errors.ts'
import type { Task } from './types.ts'

/**
 * Which pages go where (design §3). Every function here is PROTOCOL: miners, validators and
 * auditors must compute the same pages from public data. Hashes are blake2b-256 of the canonical
 * seed encoding of random.ts (`seedBytes`: per part a tag byte, a u32 little-endian length, the
 * payload; strings UTF-8, integers as decimal ASCII, bytes raw). Each use starts with its own
 * domain tag, so no two uses can produce the same preimage.
 */

/** A block hash or other 32-byte value: 0x-prefixed hex or raw bytes (hashed as the bytes either way). */
export type HashLike = `0x${string}` | Uint8Array

/** The seed value a validator commits to: hex (hashed as bytes), other text, an integer, or bytes. */
export type EvalSeed = string | number | bigint | Uint8Array

function hashBytes(what: string, v: HashLike): Uint8Array {
  if (v instanceof Uint8Array) return v
  if (typeof v === 'string' && isHex(v)) return hexToU8a(v)
  throw new InvalidPageArgumentError(what, v, '0x-prefixed hex or a Uint8Array')
}

/** 0x-hex strings become their bytes so that "0xab…" and the same Uint8Array seed alike. */
function seedPart(v: EvalSeed): SeedPart {
  return typeof v === 'string' && v.startsWith('0x') && isHex(v) ? hexToU8a(v) : v
}

function nonNegInt(what: string, v: number): number {
  if (!Number.isSafeInteger(v) || v < 0) throw new InvalidPageArgumentError(what, v, 'a non-negative integer')
  return v
}

/** Sorted, de-duplicated, checked copy of a pool: the draw must not depend on how the pool was listed. */
function canonicalPool(pool: readonly number[]): number[] {
  for (const p of pool) nonNegInt('page in pool', p)
  return [...new Set(pool)].sort((a, b) => a - b)
}

/** `count` distinct pages of the pool: a partial Fisher–Yates on the sorted pool (swap i with i + rng.int(n − i)), sorted. */
function drawFrom(pool: number[], count: number, seed: Uint8Array): number[] {
  const rng = createRng(seed)
  const a = pool.slice()
  for (let i = 0; i < count; i++) {
    const j = i + rng.int(a.length - i)
    const t = a[i]
    a[i] = a[j]
    a[j] = t
  }
  return a.slice(0, count).sort((x, y) => x - y)
}

/**
 * True when `page` belongs to the report split (~10%): the first 4 bytes of
 * seedBytes("crowdtrain/report-split/v1", datasetId, page), read as a little-endian u32, mod 10 == 0.
 * Report pages only feed the loss curves of reports; they are never assigned or scored.
 */
export function isReportPage(datasetId: string, page: number): boolean {
  const h = seedBytes('crowdtrain/report-split/v1', datasetId, nonNegInt('page', page))
  return new DataView(h.buffer, h.byteOffset, 4).getUint32(0, true) % 10 === 0
}

// The split of a dataset never changes, and hashing 20,000 pages takes a noticeable moment: memoise it.
const splitCache = new Map<string, Uint8Array>()

/** One flag per page (1 = report page), computed once per (datasetId, pageCount). */
function reportFlags(task: Pick<Task, 'datasetId' | 'pageCount'>): Uint8Array {
  const key = `${task.datasetId}#${nonNegInt('page count', task.pageCount)}`
  let flags = splitCache.get(key)
  if (!flags) {
    flags = new Uint8Array(task.pageCount)
    for (let p = 0; p < task.pageCount; p++) flags[p] = isReportPage(task.datasetId, p) ? 1 : 0
    splitCache.set(key, flags)
  }
  return flags
}

/** The task's report pages, ascending. */
export function reportPages(task: Pick<Task, 'datasetId' | 'pageCount'>): number[] {
  const out: number[] = []
  const flags = reportFlags(task)
  for (let p = 0; p < flags.length; p++) if (flags[p] === 1) out.push(p)
  return out
}

/** The task's training pages (every page outside the report split), ascending. */
export function trainingPages(task: Pick<Task, 'datasetId' | 'pageCount'>): number[] {
  const out: number[] = []
  const flags = reportFlags(task)
  for (let p = 0; p < flags.length; p++) if (flags[p] === 0) out.push(p)
  return out
}

/** Inputs of assignPages. */
export type AssignPagesParameters = {
  datasetId: string
  /** Pages to draw from: normally trainingPages(task). Its order does not matter. */
  pool: readonly number[]
  /** The miner's hotkey, as its SS58 address string. */
  hotkey: string
  round: number
  /** Hash of round `round`'s first block. */
  blockHash: HashLike
  count: number
}

/**
 * The pages miner `hotkey` trains on in `round`: `count` distinct pages of the pool, ascending, drawn
 * by partial Fisher–Yates over the sorted pool with createRng(seedBytes("crowdtrain/assign-pages/v1",
 * datasetId, hotkey, round, blockHash bytes)). Throws NotEnoughPagesError when the pool is too small.
 */
export function assignPages(params: AssignPagesParameters): number[] {
  const pool = canonicalPool(params.pool)
  const count = nonNegInt('count', params.count)
  if (count > pool.length) throw new NotEnoughPagesError(count, pool.length, `for miner ${params.hotkey}`)
  if (typeof params.hotkey !== 'string' || params.hotkey.length === 0) {
    throw new InvalidPageArgumentError('hotkey', params.hotkey, 'an SS58 address')
  }
  const seed = seedBytes(
    'crowdtrain/assign-pages/v1',
    params.datasetId,
    params.hotkey,
    nonNegInt('round', params.round),
    hashBytes('block hash', params.blockHash),
  )
  return drawFrom(pool, count, seed)
}

/** The pool minus every assigned page, ascending: where validators draw eval pages from. */
export function unassignedPages(pool: readonly number[], assigned: readonly (readonly number[])[]): number[] {
  const taken = new Set<number>()
  for (const pages of assigned) for (const p of pages) taken.add(p)
  return canonicalPool(pool).filter((p) => !taken.has(p))
}

/** Inputs of drawEvalPages. */
export type DrawEvalPagesParameters = {
  /** Normally unassignedPages(trainingPages(task), every miner's assignment). */
  pool: readonly number[]
  /** The seed the validator committed to before the close block existed. */
  evalSeed: EvalSeed
  /** Hash of the block that closed the miner commit window. */
  closeBlockHash: HashLike
  count: number
}

/**
 * A validator's eval pages: min(count, pool size) distinct pages, ascending, drawn like assignPages
 * with createRng(seedBytes("crowdtrain/eval-pages/v1", evalSeed, closeBlockHash bytes)), where an
 * evalSeed given as 0x-hex is hashed as its bytes. Never fails for a small pool: a round with many
 * miners leaves few unassigned pages, and a validator must still evaluate.
 */
export function drawEvalPages(params: DrawEvalPagesParameters): number[] {
  const pool = canonicalPool(params.pool)
  const count = Math.min(nonNegInt('count', params.count), pool.length)
  const seed = seedBytes(
    'crowdtrain/eval-pages/v1',
    seedPart(params.evalSeed),
    hashBytes('close block hash', params.closeBlockHash),
  )
  return drawFrom(pool, count, seed)
}

/** Inputs of shardForMiner. */
export type ShardForMinerParameters = { uid: number; round: number; rotateEvery: number; shardCount: number }

/** The shard miner `uid` trains in `round`: (uid + floor(round / E)) mod S (design §3). */
export function shardForMiner(params: ShardForMinerParameters): number {
  const uid = nonNegInt('uid', params.uid)
  const round = nonNegInt('round', params.round)
  const E = nonNegInt('rotateEvery', params.rotateEvery)
  const S = nonNegInt('shardCount', params.shardCount)
  if (E < 1) throw new InvalidPageArgumentError('rotateEvery', E, 'an integer ≥ 1')
  if (S < 1) throw new InvalidPageArgumentError('shardCount', S, 'an integer ≥ 1')
  return (uid + Math.floor(round / E)) % S
}
