import { type ChildProcess, spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { MAX_LEDGER_BYTES, parseLedger, type RoundLedger } from '../../chain/ledger/index.ts'
import type { DevnetResult } from '../../cli/devnet/index.ts'
import { silentLogger } from '../../shared/logger/index.ts'
import { createHeliaStorage, type HeliaStorage } from '../../shared/storage/index.ts'
import { testDir } from './testDir.ts'

/** A `crowdtrain devnet --serve --json` run, once its ready line is out. */
export type ServedDevnet = {
  result: DevnetResult & { ready?: boolean; ipfs?: string[] }
  proc: ChildProcess
  stderr: () => string
  /** A Helia node of the test's own, connected to the devnet owner's node (which pinned every ledger and checkpoint). */
  storage: HeliaStorage
  /** A round's ledger, fetched from the owner's node and parsed strictly. */
  ledger(cid: string): Promise<RoundLedger>
  /** The JSON log lines of one participant (`validator-0`...). */
  logOf(name: string): Record<string, unknown>[]
  stop(): Promise<void>
}

/** A devnet child process (`--json --serve`) and its ready line. */
export type SpawnedDevnet = {
  proc: ChildProcess
  result: DevnetResult & { ready?: boolean; ipfs?: string[] }
  /** Everything printed on stdout so far (the summary is the last line once it stops). */
  stdout: () => string
  stderr: () => string
}

/**
 * Spawns `bin/crowdtrain.js devnet ARGS --json --serve` as a user would and resolves with its
 * ready line; rejects with the stderr tail when it exits first.
 */
export async function spawnServedDevnet(args: readonly string[]): Promise<SpawnedDevnet> {
  const proc = spawn(process.execPath, ['bin/crowdtrain.js', 'devnet', ...args, '--json', '--serve'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  proc.stderr?.on('data', (b) => {
    stderr = (stderr + b).slice(-50_000)
  })
  const result = await new Promise<SpawnedDevnet['result']>((resolve, reject) => {
    proc.stdout?.on('data', (b) => {
      stdout += b
      const ready = stdout.split('\n').find((l) => l.includes('"ready":true'))
      if (ready) resolve(JSON.parse(ready))
    })
    proc.once('exit', (code) =>
      reject(new Error(`devnet exited with ${code} before it was ready\n${stderr.slice(-4000)}`)),
    )
  })
  return { proc, result, stdout: () => stdout, stderr: () => stderr }
}

/** Starts a devnet as a user would (`bin/crowdtrain.js devnet ... --json --serve`) and waits until it serves. */
export async function startServedDevnet(prefix: string, args: readonly string[]): Promise<ServedDevnet> {
  const dir = testDir(prefix)
  const { proc, result, stderr } = await spawnServedDevnet([...args, '--dir', dir])
  const storage = await createHeliaStorage({
    dir: testDir(`${prefix}reader-`),
    listen: ['/ip4/127.0.0.1/tcp/0'],
    peers: result.ipfs ?? [],
    logger: silentLogger,
  })
  return {
    result,
    proc,
    storage,
    stderr,
    async ledger(cid) {
      return parseLedger(await storage.get(cid, { maxBytes: MAX_LEDGER_BYTES, timeoutMs: 30_000 }))
    },
    logOf(name) {
      return readFileSync(join(result.dir, name, 'log.jsonl'), 'utf8')
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .flatMap((l) => {
          try {
            return [JSON.parse(l) as Record<string, unknown>]
          } catch {
            return []
          }
        })
    },
    async stop() {
      await storage.stop().catch(() => undefined)
      if (proc.exitCode !== null) return
      const exited = new Promise((resolve) => proc.once('exit', resolve))
      proc.kill('SIGTERM')
      await exited
    },
  }
}
