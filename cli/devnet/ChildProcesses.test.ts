import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { silentLogger } from '../../shared/logger/index.ts'
import { testDir } from '../../test/helpers/testDir.ts'
import { type ChildExit, ChildProcesses, logTail } from './ChildProcesses.ts'

const dir = testDir('devnet-children-')

describe('ChildProcesses', () => {
  test('behavior: a child that crashes is reported as unexpected, and its log tail tells why', async () => {
    let onExit: (e: ChildExit) => void = () => {}
    const exited = new Promise<ChildExit>((r) => {
      onExit = r
    })
    const children = new ChildProcesses(silentLogger, (e) => onExit(e))
    const logFile = join(dir, 'crash', 'log.jsonl')
    children.start({ name: 'crash', logFile, args: ['-e', 'console.error("boom: no wallet"); process.exit(3)'] })
    const exit = await exited
    expect(exit).toMatchObject({ name: 'crash', code: 3, expected: false })
    expect(logTail(logFile)).toContain('boom: no wallet')
    expect(children.isRunning('crash')).toBe(false)
  })

  test('behavior: stopAll kills a child that ignores SIGTERM after the grace period', async () => {
    const exits: ChildExit[] = []
    const children = new ChildProcesses(silentLogger, (e) => exits.push(e))
    const logFile = join(dir, 'stubborn', 'log.jsonl')
    const script = 'process.on("SIGTERM", () => console.log("ignored")); console.log("up"); setInterval(() => {}, 1000)'
    children.start({ name: 'stubborn', logFile, args: ['-e', script] })
    await waitFor(() => readFileSync(logFile, 'utf8').includes('up'))
    await children.stopAll(300)
    expect(exits).toEqual([{ name: 'stubborn', code: null, signal: 'SIGKILL', expected: true }])
  })

  test('behavior: restart kills the child and starts it again with the same command', async () => {
    const exits: ChildExit[] = []
    const children = new ChildProcesses(silentLogger, (e) => exits.push(e))
    const logFile = join(dir, 'again', 'log.jsonl')
    children.start({ name: 'again', logFile, args: ['-e', 'console.log("start"); setInterval(() => {}, 1000)'] })
    await waitFor(() => readFileSync(logFile, 'utf8').includes('start'))
    await children.restart('again')
    await waitFor(() => readFileSync(logFile, 'utf8').split('start').length === 3)
    expect(children.isRunning('again')).toBe(true)
    expect(exits).toEqual([{ name: 'again', code: null, signal: 'SIGKILL', expected: true }])
    await children.stopAll()
  })

  test('behavior: kill is an expected exit, startAgain runs the same command, a paused child is not running', async () => {
    const exits: ChildExit[] = []
    const children = new ChildProcesses(silentLogger, (e) => exits.push(e))
    const logFile = join(dir, 'chaos', 'log.jsonl')
    children.start({ name: 'chaos', logFile, args: ['-e', 'console.log("start"); setInterval(() => {}, 1000)'] })
    await waitFor(() => readFileSync(logFile, 'utf8').includes('start'))
    children.pause('chaos')
    expect(children.isRunning('chaos')).toBe(false)
    children.resume('chaos')
    expect(children.isRunning('chaos')).toBe(true)
    await children.kill('chaos')
    expect(children.isRunning('chaos')).toBe(false)
    expect(exits).toEqual([{ name: 'chaos', code: null, signal: 'SIGKILL', expected: true }])
    children.startAgain('chaos')
    await waitFor(() => readFileSync(logFile, 'utf8').split('start').length === 3)
    expect(children.isRunning('chaos')).toBe(true)
    children.pause('chaos')
    await children.stopAll()
    expect(exits.at(-1)).toMatchObject({ name: 'chaos', expected: true })
  })

  test('error: logTail of a missing file is empty', () => {
    expect(logTail(join(dir, 'nope.jsonl'))).toBe('')
  })
})

async function waitFor(ok: () => boolean): Promise<void> {
  for (let i = 0; i < 200; i++) {
    try {
      if (ok()) return
    } catch {}
    await new Promise((r) => setTimeout(r, 25))
  }
  throw new Error('condition not met')
}
