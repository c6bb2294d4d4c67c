import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, test } from 'vitest'
import { testDir } from './helpers/testDir.ts'

const BIN = fileURLToPath(new URL('../bin/crowdtrain.js', import.meta.url))

// Runs the CLI with a generous kill timer: a command that hangs after its error is killed (signal set).
function run(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 120_000, stdio: 'pipe' })
  return { code: r.status, signal: r.signal, stdout: r.stdout ?? '', stderr: r.stderr ?? '' }
}

// A service manager restarts a command only when it exits: after an error nothing may keep it alive.
describe('commands exit by themselves after an error', () => {
  test('error: subnet show against an unreachable chain exits 1 with the reason (no IPFS node left running)', () => {
    const dir = testDir('ct-exits-')
    const r = run(['subnet', 'show', '--chain', 'ws://127.0.0.1:1', '--netuid', '1', '--ipfs-dir', join(dir, 'ipfs')])
    expect(r.signal).toBeNull()
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/Cannot reach the chain at ws:\/\/127\.0\.0\.1:1/)
  })

  test('error: chain start on a file that is not a database exits 1 with the reason', () => {
    const db = join(testDir('ct-exits-'), 'not.db')
    writeFileSync(db, 'not a database\n')
    const r = run(['chain', 'start', '--db', db])
    expect(r.signal).toBeNull()
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/SQLITE_NOTADB: file is not a database/)
  })
})

describe('one rule for errors: usage mistakes exit 2, failures 1; with --json the error is the last stdout line', () => {
  test('error: an unknown preset is a usage mistake in every command, and --json prints it as an object', () => {
    const devnet = run(['devnet', '--preset', 'bogus', '--json'])
    const bench = run(['bench', 'convergence', '--preset', 'bogus'])
    expect([devnet.code, bench.code]).toEqual([2, 2])
    const last = JSON.parse(devnet.stdout.trim().split('\n').at(-1) ?? '{}')
    expect(last).toEqual({
      error: {
        code: 'config.unknown-preset',
        message: 'Unknown preset "bogus".',
        hint: 'Known presets: devnet, laptop, tiny',
      },
    })
  })

  test('error: a log level that does not exist is refused, not ignored', () => {
    const r = run(['subnet', 'show', '--chain', 'ws://127.0.0.1:1', '--netuid', '1', '--log-level', 'loud'])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/--log-level must be one of debug, info, warn, error, silent, got "loud"/)
  })

  test('error: a config key written as a flag is refused with the --set form to use', () => {
    const r = run(['devnet', '--train.lr=0.002'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('--set train.lr=0.002')
  })
})
