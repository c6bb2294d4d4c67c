import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, test } from 'vitest'
import { testDir } from '../../test/helpers/testDir.ts'
import { formatProgress, readBaseDownloads, readMinerBusy, readProgress, readRebases } from './readProgress.ts'

const dir = testDir('devnet-progress-')
const log = (name: string, lines: unknown[]) => {
  const file = join(dir, name)
  writeFileSync(file, `${lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n')}\n`)
  return file
}

test('default: the newest training step of the log', () => {
  const file = log('a.jsonl', [
    { msg: 'training', round: 1, step: 3, steps: 30, loss: 3.5 },
    { msg: 'training', round: 1, step: 4, steps: 30, loss: 3.25 },
    'not json',
  ])
  expect(formatProgress(readProgress(file) ?? { round: -1 })).toBe('r1 4/30 loss 3.250')
})

test('behavior: without step records, the newest message that names a round', () => {
  const file = log('b.jsonl', [
    { msg: 'training', round: 0 },
    { msg: 'delta committed', round: 0, block: 12 },
    { msg: 'x' },
  ])
  expect(formatProgress(readProgress(file) ?? { round: -1 })).toBe('r0 delta committed')
  expect(readProgress(join(dir, 'missing.jsonl'))).toBeNull()
})

test('behavior: what a miner downloaded for each round, from its training records', () => {
  const file = log('c.jsonl', [
    {
      msg: 'training',
      round: 1,
      baseFrom: 'download',
      downloadBytes: 6_700_000,
      downloadReason: 'holds no checkpoint',
    },
    { msg: 'training', round: 2, baseFrom: 'deltas', downloadBytes: 41_000 },
    { msg: 'training', round: 3, baseFrom: 'somewhere', downloadBytes: 1 },
    '{"baseFrom": cut',
  ])
  const got = readBaseDownloads(file)
  expect([...got]).toEqual([
    [1, { bytes: 6_700_000, from: 'download', reason: 'holds no checkpoint' }],
    [2, { bytes: 41_000, from: 'deltas' }],
  ])
  expect(readBaseDownloads(join(dir, 'missing.jsonl')).size).toBe(0)
})

test('behavior: the inner steps a pipelined miner moved onto the settled checkpoint at come from its delta stored records', () => {
  const file = log('r.jsonl', [
    { msg: 'delta stored', round: 1, rebasedAt: [13], rebasedOnto: 'bafy' },
    { msg: 'delta stored', round: 2 },
    { msg: 'delta stored', round: 3, rebasedAt: ['x', -1] },
    { msg: 'training', round: 4, rebasedAt: [2] },
    '"rebasedAt"',
    '{"rebasedAt": cut',
  ])
  expect([...readRebases(file)]).toEqual([[1, [13]]])
  expect(readRebases(join(dir, 'missing.jsonl')).size).toBe(0)
})

test("behavior: a miner's busy fraction is its training seconds over the wall seconds from its first training to its last commit", () => {
  const file = log('d.jsonl', [
    { msg: 'delta stored', round: 0, trainSeconds: 20, time: 30_000 },
    { msg: 'delta committed', round: 0, time: 31_000 },
    { msg: 'delta stored', round: 1, trainSeconds: 20, time: 70_000 },
    { msg: 'delta committed', round: 1, time: 90_000 },
    // Round 2, trained ahead (pipelined) after the last commit: outside the measured span.
    { msg: 'delta stored', round: 2, trainSeconds: 20, time: 110_000 },
    'not json',
  ])
  // Trained 40 s of the 80 s from 10 s (first training started) to 90 s (last commit).
  expect(readMinerBusy(file)).toEqual({ trainSeconds: 40, wallSeconds: 80, busyFraction: 0.5 })
  expect(readMinerBusy(log('e.jsonl', [{ msg: 'delta stored', round: 0, trainSeconds: 5, time: 9_000 }]))).toBeNull()
  expect(readMinerBusy(join(dir, 'missing.jsonl'))).toBeNull()
})
