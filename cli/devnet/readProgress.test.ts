import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, test } from 'vitest'
import { testDir } from '../../test/helpers/testDir.ts'
import { formatProgress, readProgress } from './readProgress.ts'

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
