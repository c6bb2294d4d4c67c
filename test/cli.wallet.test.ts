import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { runCli, runCliAsync } from './helpers/cli.ts'
import { testDir } from './helpers/testDir.ts'

describe('crowdtrain wallet', () => {
  const dir = testDir('ct-cli-wallet-')
  const pwFile = join(dir, 'pw')
  writeFileSync(pwFile, 's3cret-pass\n')

  test('default: create then list and show print the same address', () => {
    const created = runCli([
      'wallet',
      'create',
      '--name',
      'alice',
      '--wallet-dir',
      dir,
      '--password-file',
      pwFile,
      '--json',
    ])
    expect(created.code).toBe(0)
    const { address } = created.lastJson() as { address: string }
    const listed = runCli(['wallet', 'list', '--wallet-dir', dir, '--json'])
    expect((listed.lastJson() as { wallets: { address: string }[] }).wallets[0].address).toBe(address)
    const shown = runCli(['wallet', 'show', '--name', 'alice', '--wallet-dir', dir])
    expect(shown.stdout).toContain(address)
    expect(shown.stdout + shown.stderr).not.toContain('s3cret-pass')
  })

  test('behavior: of two wallet create --name x at once, exactly one succeeds; the other refuses to overwrite', async () => {
    const args = ['wallet', 'create', '--name', 'race', '--wallet-dir', dir, '--password-file', pwFile, '--json']
    const [a, b] = await Promise.all([runCliAsync(args), runCliAsync(args)])
    expect([a.code, b.code].sort()).toEqual([0, 1])
    const won = a.code === 0 ? a : b
    const lost = a.code === 0 ? b : a
    expect(lost.stderr).toMatch(/already exists; refusing to overwrite/)
    const { address } = won.lastJson() as { address: string }
    const shown = runCli(['wallet', 'show', '--name', 'race', '--wallet-dir', dir, '--json'])
    expect((shown.lastJson() as { address: string }).address).toBe(address)
  })

  test('error: no password without a terminal is a usage error (exit 2)', () => {
    const r = runCli(['wallet', 'create', '--name', 'bob', '--wallet-dir', dir], { CROWDTRAIN_PASSWORD: '' })
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/No password given/)
  })

  test('error: an unknown wallet is a clear failure (exit 1)', () => {
    const r = runCli(['wallet', 'show', '--name', 'nobody', '--wallet-dir', dir])
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/No wallet named "nobody"/)
  })

  test('error: an unknown command is a usage error (exit 2)', () => {
    expect(runCli(['frobnicate']).code).toBe(2)
  })
})
