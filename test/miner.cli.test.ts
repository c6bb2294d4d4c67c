import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const BIN = fileURLToPath(new URL('../bin/crowdtrain.js', import.meta.url))

/** Runs `crowdtrain ARGS` without blocking the test worker (several runs go in parallel). */
function runCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { timeout: 120_000, env: { ...process.env, CROWDTRAIN_PASSWORD: '' } },
      (err, stdout, stderr) =>
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    )
  })
}

describe('crowdtrain miner run', () => {
  it('default: lists its flags in the help', async () => {
    const r = await runCli(['miner', 'run', '--help'])
    expect(r.code).toBe(0)
    for (const flag of ['--chain', '--netuid', '--wallet', '--data', '--ipfs-api', '--listen', '--backend', '--rounds'])
      expect(r.stdout).toContain(flag)
  }, 120_000)

  // Each run loads the whole CLI (seconds on a busy 2-core machine): one run per case worth a user's notice.
  it('error: a --chain that is not a ws URL is refused before anything starts (exit 2, with the reason)', async () => {
    const r = await runCli([
      'miner',
      'run',
      '--dev-account',
      '//Eve',
      '--chain',
      'http://127.0.0.1:9944',
      '--netuid',
      '1',
    ])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/--chain must be a ws/)
  }, 120_000)
})
