import { spawn, spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const BIN = fileURLToPath(new URL('../../bin/crowdtrain.js', import.meta.url))

/** Result of running the CLI as a user would. */
export type CliResult = { code: number; stdout: string; stderr: string; lastJson: () => unknown }

/** Runs `crowdtrain ARGS` in a child process with the test's Node (22) and no terminal. */
export function runCli(args: string[], env: Record<string, string> = {}, timeoutMs = 120_000): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: timeoutMs,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const stdout = r.stdout ?? ''
  return {
    code: r.status ?? 1,
    stdout,
    stderr: r.stderr ?? '',
    lastJson: () => JSON.parse(stdout.trim().split('\n').at(-1) ?? 'null'),
  }
}

/**
 * `runCli` without blocking the test worker: for commands that take long (a blocked worker cannot
 * answer vitest's own calls, which then time out).
 */
export function runCliAsync(args: string[], env: Record<string, string> = {}, timeoutMs = 120_000): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { ...process.env, ...env },
      timeout: timeoutMs,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (s: string) => {
      stdout += s
    })
    child.stderr.setEncoding('utf8').on('data', (s: string) => {
      stderr += s
    })
    child.once('error', reject)
    child.once('close', (code) =>
      resolve({
        code: code ?? 1,
        stdout,
        stderr,
        lastJson: () => JSON.parse(stdout.trim().split('\n').at(-1) ?? 'null'),
      }),
    )
  })
}
