import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { prepareRunDir, pruneFailedRun } from './prepareRunDir.ts'

describe('prepareRunDir', () => {
  test('default: a new timestamped run folder, earlier runs kept', () => {
    const root = mkdtempSync(join(tmpdir(), 'ct-rundir-'))
    mkdirSync(join(root, '20261201T101010'))
    const dir = prepareRunDir(root, false)
    expect(dir.slice(root.length + 1)).toMatch(/^\d{8}T\d{6}(-\d+)?$/)
    expect(readdirSync(root)).toContain('20261201T101010')
  })

  test('behavior: --fresh deletes the earlier runs and nothing else in the folder', () => {
    const root = mkdtempSync(join(tmpdir(), 'ct-rundir-'))
    mkdirSync(join(root, '20261201T101010', 'miner-0'), { recursive: true })
    mkdirSync(join(root, '20261201T101010-1'))
    mkdirSync(join(root, 'proj'))
    writeFileSync(join(root, 'thesis.txt'), 'x')
    // A file named like a run is not a run folder.
    writeFileSync(join(root, '20261202T000000'), 'notes')
    const dir = prepareRunDir(root, true)
    const left = readdirSync(root).sort()
    expect(left).toEqual(['20261202T000000', 'proj', 'thesis.txt', dir.slice(root.length + 1)].sort())
    expect(readFileSync(join(root, 'thesis.txt'), 'utf8')).toBe('x')
  })
})

describe('pruneFailedRun', () => {
  test('behavior: a failed run keeps its logs and report, not its chain, keystores and IPFS stores', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ct-failed-'))
    for (const f of ['chain.db', 'chain.db-wal', 'devnet.log', 'report.html']) writeFileSync(join(dir, f), 'x')
    mkdirSync(join(dir, 'wallets'))
    writeFileSync(join(dir, 'wallets', '.password'), 'secret')
    for (const who of ['miner-0', 'owner']) {
      mkdirSync(join(dir, who, 'ipfs', 'blocks'), { recursive: true })
      writeFileSync(join(dir, who, 'log.jsonl'), '{}\n')
    }
    pruneFailedRun(dir)
    expect(readdirSync(dir).sort()).toEqual(['devnet.log', 'miner-0', 'owner', 'report.html'])
    expect(readdirSync(join(dir, 'miner-0'))).toEqual(['log.jsonl'])
    expect(readdirSync(join(dir, 'owner'))).toEqual(['log.jsonl'])
  })
})
