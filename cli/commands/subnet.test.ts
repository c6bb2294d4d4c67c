import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { readSubnet } from '../../chain/actions/index.ts'
import { type ChainClient, connect } from '../../chain/client/index.ts'
import { type Devchain, devKeypair, startDevchain } from '../../chain/devchain/index.ts'
import { presetConfig } from '../../shared/config/index.ts'
import { silentLogger } from '../../shared/logger/index.ts'

const BIN = fileURLToPath(new URL('../../bin/crowdtrain.js', import.meta.url))

/** Runs the CLI without blocking this process (the dev chain runs in it). */
function runCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { timeout: 150_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr })
    })
  })
}

let dir: string
let devchain: Devchain
let client: ChainClient
let bob: string
let charlie: string

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ct-subnet-cli-'))
  writeFileSync(join(dir, 'tiny.json'), JSON.stringify(presetConfig('tiny')))
  devchain = await startDevchain({ logger: silentLogger })
  client = await connect({ url: devchain.url, logger: silentLogger })
  bob = (await devKeypair('//Bob')).address
  charlie = (await devKeypair('//Charlie')).address
}, 60_000)

afterAll(async () => {
  await client?.disconnect()
  await devchain?.stop()
  rmSync(dir, { recursive: true, force: true })
})

describe('crowdtrain subnet create', () => {
  test('default', async () => {
    writeFileSync(join(dir, 'validators.json'), JSON.stringify([{ hotkey: bob }, { hotkey: charlie }]))
    const r = await runCli([
      'subnet',
      'create',
      ...['--config', join(dir, 'tiny.json'), '--chain', devchain.url, '--dev-account', '//Alice'],
      ...['--validators', join(dir, 'validators.json'), '--netuid', '9', '--ipfs-dir', join(dir, 'ipfs'), '--json'],
    ])
    expect(r.stderr).not.toMatch(/^error/m)
    expect(r.code).toBe(0)
    const out = JSON.parse(r.stdout.trim().split('\n').at(-1) ?? 'null') as {
      netuid: number
      treasury: string
      documentCid: string
      threshold: number
    }
    expect(out.netuid).toBe(9)
    expect(out.threshold).toBe(2)
    const onChain = await readSubnet(client, { netuid: 9 })
    expect(onChain.documentCid).toBe(out.documentCid)
    expect(onChain.treasury).toBe(out.treasury)

    // `subnet show` reads it back (the owner's node folder holds the document).
    const shown = await runCli([
      'subnet',
      'show',
      '--chain',
      devchain.url,
      '--netuid',
      '9',
      '--ipfs-dir',
      join(dir, 'ipfs'),
      '--json',
    ])
    expect(shown.code).toBe(0)
    const doc = JSON.parse(shown.stdout.trim().split('\n').at(-1) ?? 'null')
    expect(doc).toMatchObject({ netuid: 9, treasury: out.treasury, documentCid: out.documentCid, threshold: 2 })
    expect(doc.config).toEqual(presetConfig('tiny'))
  }, 240_000)

  test('error: a threshold above the validator count is a usage error (exit 2)', async () => {
    const r = await runCli([
      'subnet',
      'create',
      '--chain',
      devchain.url,
      '--dev-account',
      '//Alice',
      '--validator',
      bob,
      '--threshold',
      '2',
    ])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/--threshold must be a whole number from 1 to 1/)
  }, 120_000)
})
