import { describe, expect, test } from 'vitest'
import { InvalidPageArgumentError, NotEnoughPagesError } from './errors.ts'
import {
  assignPages,
  drawEvalPages,
  isReportPage,
  reportPages,
  shardForMiner,
  trainingPages,
  unassignedPages,
} from './pages.ts'

// The paging functions need only a dataset id and a page count: no dataset is loaded here.
const task = { datasetId: 'moby-char@aaf249a84f74bfd0', pageCount: 2378 }
const hash1 = `0x${'11'.repeat(32)}` as const
const hash2 = `0x${'22'.repeat(32)}` as const
const alice = '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY'
const bob = '5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty'
// Vectors cross-checked with an independent Python implementation (hashlib blake2b + sfc32 + partial Fisher-Yates).
const REPORT_VECTOR = [16, 43, 48]
const range40 = Array.from({ length: 40 }, (_, i) => i)

test('default: protocol test vectors', () => {
  expect(assignPages({ datasetId: 'd', pool: range40, hotkey: 'hk', round: 3, blockHash: hash1, count: 5 })).toEqual([
    10, 14, 17, 21, 38,
  ])
  expect(drawEvalPages({ pool: range40, evalSeed: '0x0102', closeBlockHash: hash2, count: 5 })).toEqual([
    15, 32, 34, 37, 38,
  ])
})

describe('report split', () => {
  test('default: about 10% of pages, the rest are training pages', () => {
    const report = reportPages(task)
    const train = trainingPages(task)
    expect(report.length / task.pageCount).toBeGreaterThan(0.08)
    expect(report.length / task.pageCount).toBeLessThan(0.12)
    expect(report.length + train.length).toBe(task.pageCount)
    expect(train.some((p) => report.includes(p))).toBe(false)
  })

  test('behavior: stable (test vector) and depends on the dataset', () => {
    expect(reportPages({ datasetId: 'moby-char@aaf249a84f74bfd0', pageCount: 60 })).toEqual(REPORT_VECTOR)
    expect(reportPages({ datasetId: 'text@0000000000000000', pageCount: 60 })).not.toEqual(REPORT_VECTOR)
    expect(isReportPage(task.datasetId, REPORT_VECTOR[0])).toBe(true)
  })

  test('error: a negative or fractional page', () => {
    expect(() => isReportPage(task.datasetId, -1)).toThrow(InvalidPageArgumentError)
    expect(() => isReportPage(task.datasetId, 1.5)).toThrow(InvalidPageArgumentError)
  })
})

describe('assignPages', () => {
  const pool = trainingPages(task)
  const base = { datasetId: task.datasetId, pool, hotkey: alice, round: 3, blockHash: hash1, count: 64 }

  test('default: count distinct sorted training pages, reproducible', () => {
    const pages = assignPages(base)
    expect(pages).toHaveLength(64)
    expect(new Set(pages).size).toBe(64)
    expect(pages).toEqual([...pages].sort((a, b) => a - b))
    expect(pages.some((p) => isReportPage(task.datasetId, p))).toBe(false)
    expect(assignPages({ ...base, pool: [...pool].reverse() })).toEqual(pages)
    expect(assignPages({ ...base, blockHash: Uint8Array.from(Buffer.from('11'.repeat(32), 'hex')) })).toEqual(pages)
  })

  test('behavior: changes with hotkey, round, block hash and dataset', () => {
    const pages = assignPages(base)
    expect(assignPages({ ...base, hotkey: bob })).not.toEqual(pages)
    expect(assignPages({ ...base, round: 4 })).not.toEqual(pages)
    expect(assignPages({ ...base, blockHash: hash2 })).not.toEqual(pages)
    expect(assignPages({ ...base, datasetId: 'other' })).not.toEqual(pages)
  })

  test('behavior: the whole pool when count equals its size', () => {
    expect(assignPages({ ...base, pool: [5, 3, 9], count: 3 })).toEqual([3, 5, 9])
  })

  test('error: pool too small, bad round or block hash', () => {
    expect(() => assignPages({ ...base, pool: [1, 2], count: 3 })).toThrow(NotEnoughPagesError)
    expect(() => assignPages({ ...base, round: -1 })).toThrow(InvalidPageArgumentError)
    expect(() => assignPages({ ...base, blockHash: '0xzz' as `0x${string}` })).toThrow(InvalidPageArgumentError)
    expect(() => assignPages({ ...base, hotkey: '' })).toThrow(InvalidPageArgumentError)
  })
})

describe('eval pages', () => {
  const pool = trainingPages(task)
  const miners = [alice, bob, 'miner-3'].map((hotkey) =>
    assignPages({ datasetId: task.datasetId, pool, hotkey, round: 7, blockHash: hash1, count: 64 }),
  )
  const free = unassignedPages(pool, miners)

  test('default: disjoint from every assignment and from the report split', () => {
    const evalPages = drawEvalPages({ pool: free, evalSeed: '0xabcdef', closeBlockHash: hash2, count: 8 })
    expect(evalPages).toHaveLength(8)
    for (const p of evalPages) {
      expect(miners.some((m) => m.includes(p))).toBe(false)
      expect(isReportPage(task.datasetId, p)).toBe(false)
    }
    expect(free.length).toBeGreaterThan(pool.length - 3 * 64 - 1)
  })

  test('behavior: reproducible; depends on the eval seed and the close block', () => {
    const a = drawEvalPages({ pool: free, evalSeed: 12345n, closeBlockHash: hash2, count: 8 })
    expect(drawEvalPages({ pool: free, evalSeed: 12345, closeBlockHash: hash2, count: 8 })).toEqual(a)
    expect(drawEvalPages({ pool: free, evalSeed: 12346n, closeBlockHash: hash2, count: 8 })).not.toEqual(a)
    expect(drawEvalPages({ pool: free, evalSeed: 12345n, closeBlockHash: hash1, count: 8 })).not.toEqual(a)
    const hex = drawEvalPages({ pool: free, evalSeed: '0x0102', closeBlockHash: hash2, count: 8 })
    expect(drawEvalPages({ pool: free, evalSeed: new Uint8Array([1, 2]), closeBlockHash: hash2, count: 8 })).toEqual(
      hex,
    )
  })

  test('behavior: a small pool gives all it has', () => {
    expect(drawEvalPages({ pool: [4, 2], evalSeed: 1, closeBlockHash: hash1, count: 8 })).toEqual([2, 4])
    expect(drawEvalPages({ pool: [], evalSeed: 1, closeBlockHash: hash1, count: 8 })).toEqual([])
  })

  test('behavior: unassignedPages removes every assigned page', () => {
    expect(unassignedPages([1, 2, 3, 4, 5, 5], [[2], [4, 9]])).toEqual([1, 3, 5])
  })
})

describe('shardForMiner', () => {
  test('default: (uid + floor(round / E)) mod S', () => {
    expect(shardForMiner({ uid: 0, round: 0, rotateEvery: 2, shardCount: 3 })).toBe(0)
    expect(shardForMiner({ uid: 1, round: 0, rotateEvery: 2, shardCount: 3 })).toBe(1)
    expect(shardForMiner({ uid: 1, round: 1, rotateEvery: 2, shardCount: 3 })).toBe(1)
    expect(shardForMiner({ uid: 1, round: 2, rotateEvery: 2, shardCount: 3 })).toBe(2)
    expect(shardForMiner({ uid: 2, round: 5, rotateEvery: 2, shardCount: 3 })).toBe(1)
  })

  test('behavior: over S·E rounds every miner trains every shard E rounds', () => {
    const S = 3
    const E = 2
    for (let uid = 0; uid < 4; uid++) {
      const seen = new Array(S).fill(0)
      for (let round = 0; round < S * E; round++) seen[shardForMiner({ uid, round, rotateEvery: E, shardCount: S })]++
      expect(seen).toEqual([E, E, E])
    }
  })

  test('error: zero shards or rotation period', () => {
    expect(() => shardForMiner({ uid: 0, round: 0, rotateEvery: 0, shardCount: 2 })).toThrow(InvalidPageArgumentError)
    expect(() => shardForMiner({ uid: 0, round: 0, rotateEvery: 1, shardCount: 0 })).toThrow(InvalidPageArgumentError)
    expect(() => shardForMiner({ uid: -1, round: 0, rotateEvery: 1, shardCount: 2 })).toThrow(InvalidPageArgumentError)
  })
})
