import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { silentLogger } from '../logger/index.ts'
import { createHeliaStorage } from './createHeliaStorage.ts'

const dirs: string[] = []
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true })
})

// Starts a node in a new folder, connects it to a second node (libp2p then stores a peer record), stops both.
async function runNode(ephemeral: boolean): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'crowdtrain-helia-'))
  dirs.push(root)
  const listen = ['/ip4/127.0.0.1/tcp/0']
  const other = await createHeliaStorage({ dir: join(root, 'other'), listen, logger: silentLogger })
  const node = await createHeliaStorage({
    dir: join(root, 'node'),
    listen,
    logger: silentLogger,
    peers: other.multiaddrs(),
    ephemeral,
  })
  const added = await other.add(new TextEncoder().encode('peer records'))
  expect(new TextDecoder().decode(await node.get(added.toString(), { maxBytes: 1024, timeoutMs: 20_000 }))).toBe(
    'peer records',
  )
  await node.stop()
  await other.stop()
  return join(root, 'node')
}

describe('createHeliaStorage', () => {
  test('default: peer records are kept on disk, in <dir>/datastore', async () => {
    expect(existsSync(join(await runNode(false), 'datastore', 'peers'))).toBe(true)
  }, 60_000)

  test('behavior: an ephemeral node writes no datastore into its folder (a temp folder stays removed)', async () => {
    expect(existsSync(join(await runNode(true), 'datastore'))).toBe(false)
  }, 60_000)
})
