import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { createLogger } from '../../shared/logger/index.ts'
import { testDir } from '../../test/helpers/testDir.ts'
import { TerminalView } from './TerminalView.ts'

// What a terminal shows: the written text with each "\r + clear line" erasing the current line.
function screen(raw: string): string[] {
  return raw.split('\n').map((line) => line.split('\r\x1b[2K').at(-1) ?? '')
}

function fakeTerminal() {
  let raw = ''
  const write = (s: string) => {
    raw += s
    return true
  }
  return { streams: { out: { write, columns: 80 }, err: { write } }, screen: () => screen(raw) }
}

describe('TerminalView', () => {
  test('behavior: info logs go to the run folder, not into the status line; the view keeps one status line', () => {
    const term = fakeTerminal()
    const view = new TerminalView(term.streams)
    const log = createLogger({ level: 'info', sink: view.sink }).forComponent('devnet')
    log.info('before the folder exists', { n: 1 })
    view.status('block 3 · before genesis')
    const file = join(testDir('ct-view-'), 'devnet.log')
    view.logTo(file)
    log.info('round settled', { round: 0 })
    view.status('block 9 · round 0 · commit')
    expect(term.screen()).toEqual([`logs: ${file}`, 'block 9 · round 0 · commit'])
    const lines = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
    expect(lines.map((l) => l.msg)).toEqual(['before the folder exists', 'round settled'])
    expect(lines[1]).toMatchObject({ level: 'info', component: 'devnet', round: 0 })
  })

  test('behavior: warnings and round tables print above the status line, which is redrawn below them', () => {
    const term = fakeTerminal()
    const view = new TerminalView(term.streams)
    const log = createLogger({ level: 'info', sink: view.sink }).forComponent('devnet')
    view.status('block 12 · round 1 · reveal')
    log.warn('a participant is slow', { name: 'miner-1' })
    view.print('round 0 settled\nminer-0  yes')
    const shown = term.screen()
    expect(shown[0]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} warn {2}devnet: a participant is slow \{"name":"miner-1"\}$/)
    expect(shown.slice(1)).toEqual(['round 0 settled', 'miner-0  yes', 'block 12 · round 1 · reveal'])
    view.end()
    expect(term.screen().at(-1)).toBe('')
  })
})
