import { describe, expect, test } from 'vitest'
import { devKeypair } from '../chain/index.ts'
import { parseScoreReport } from '../chain/ledger/index.ts'
import { compressDelta, encodeDelta } from '../shared/codec/index.ts'
import { presetConfig } from '../shared/config/index.ts'
import { silentLogger } from '../shared/logger/index.ts'
import { createMemoryStorage } from '../shared/storage/index.ts'
import { fetchDelta, maxDeltaBytes, shortReason } from './fetchDelta.ts'
import { buildScoreReport, publishReport } from './publishReport.ts'
import { scoreRound } from './scoreRound.ts'

const config = presetConfig('tiny')
const compress = { rank: 2, density: 0.5, bits: 8, chunk: 64, feedbackDecay: 1 }
const cfg = { ...config, compress }
const shapes = [
  { name: 'a', shape: [4, 8] },
  { name: 'b', shape: [16] },
]
const HOTKEY = '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY'
const BASE = 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy'
const OTHER_BASE = 'bafkreidgvpkjawlxz6sffxzwgooowe5yt7i6wsyg236mfoks77nywkptdq'

function deltaBytes(meta: Partial<{ round: number; shard: number; baseCid: string; hotkey: string }> = {}) {
  const dense = shapes.map((s) => ({
    name: s.name,
    shape: s.shape,
    data: Float32Array.from({ length: s.shape.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(i + 1) / 10),
  }))
  const { compressed } = compressDelta(dense, undefined, compress)
  return encodeDelta(compressed, { task: config.task.name, round: 3, shard: 1, baseCid: BASE, hotkey: HOTKEY, ...meta })
}

async function run(bytes: Uint8Array | null, storage = createMemoryStorage()) {
  const cid = bytes ? (await storage.add(bytes)).toString() : OTHER_BASE
  const out = await fetchDelta({
    storage,
    cid,
    hotkey: HOTKEY,
    round: 3,
    shard: 1,
    shapes,
    config: cfg,
    allowedBases: new Set([BASE]),
    timeoutMs: 1_000,
    logger: silentLogger,
  })
  return { out, cid, storage }
}

describe('fetchDelta', () => {
  test('default: decodes, checks and pins a delta', async () => {
    const { out, cid, storage } = await run(deltaBytes())
    expect(out.valid).toBe(true)
    if (out.valid) expect(out.decoded.delta.map((t) => t.name)).toEqual(['a', 'b'])
    expect(await storage.isPinned(cid)).toBe(true)
  })

  test('behavior: a delta built on another checkpoint is stale', async () => {
    const { out } = await run(deltaBytes({ baseCid: OTHER_BASE }))
    expect(out).toEqual({ fetched: true, valid: false, reason: 'stale' })
  })

  test('error: missing content is unavailable; bad bytes carry the decoder reason', async () => {
    expect((await run(null)).out).toEqual({ fetched: false, valid: false, reason: 'unavailable' })
    const garbage = await run(new TextEncoder().encode('hello'))
    expect(garbage.out.fetched).toBe(true)
    expect(garbage.out.valid).toBe(false)
    if (!garbage.out.valid) expect(garbage.out.reason).toMatch(/truncated/i)
    const wrongHotkey = await run(deltaBytes({ hotkey: '5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty' }))
    expect(wrongHotkey.out.valid).toBe(false)
    if (!wrongHotkey.out.valid) expect(wrongHotkey.out.reason).toMatch(/hotkey/)
    const wrongRound = await run(deltaBytes({ round: 4 }))
    expect(wrongRound.out.valid).toBe(false)
  })

  test('behavior: a delta file of another round is named a replay', async () => {
    const { out } = await run(deltaBytes({ round: 2 }))
    expect(out.fetched).toBe(true)
    if (!out.valid) expect(out.reason).toMatch(/^replay: Metadata "round" is "2"; "3" was expected/)
  })

  test('behavior: the size cap covers an honest delta and refuses far more', async () => {
    const cap = maxDeltaBytes(shapes, compress)
    expect(deltaBytes().length).toBeLessThanOrEqual(cap)
    const { out } = await run(new Uint8Array(cap + 1))
    expect(out.fetched).toBe(false)
    if (!out.valid) expect(out.reason).toMatch(/^oversize: /)
  })

  test('behavior: reasons are one line of at most 200 characters', () => {
    expect(shortReason('a\n b')).toBe('a b')
    expect(shortReason('x'.repeat(500))).toHaveLength(200)
  })
})

describe('publishReport', () => {
  test('default: a signed report any validator can parse, every zero with its reason', async () => {
    const pair = await devKeypair('//Alice')
    const rows = scoreRound([
      { uid: 2, hotkey: HOTKEY, cid: BASE, shard: 0, fetched: false, valid: false },
      { uid: 1, hotkey: HOTKEY, cid: OTHER_BASE, shard: 0, fetched: true, valid: true, lossBase: 2, lossStep: 1.5 },
    ])
    const report = buildScoreReport({ netuid: 1, round: 3, validator: pair.address, evalPages: [5, 9], rows })
    const storage = createMemoryStorage()
    const cid = await publishReport(storage, report, pair)
    const parsed = parseScoreReport(await storage.get(cid, { maxBytes: 1 << 20 }), {
      round: 3,
      validator: pair.address,
    })
    expect(parsed.report.rows.map((r) => [r.uid, r.score, r.reason])).toEqual([
      [1, 0.5, undefined],
      [2, 0, 'unavailable'],
    ])
  })
})
