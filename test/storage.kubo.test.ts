import { createServer } from 'node:net'
import { describe, expect, test } from 'vitest'
import { createKuboStorage, StorageUnavailableError } from '../shared/storage/index.ts'
import { storageCompliance } from './storage.compliance.ts'

// The Kubo backend is tested only where a daemon runs (none can be installed by `npm ci`).
const url = process.env.KUBO_API ?? 'http://127.0.0.1:5001'

async function kuboAnswers(): Promise<boolean> {
  try {
    const res = await fetch(`${url}/api/v0/version`, { method: 'POST', signal: AbortSignal.timeout(1500) })
    return res.ok
  } catch {
    return false
  }
}

const reachable = await kuboAnswers()

describe.skipIf(!reachable)(
  reachable ? `kubo at ${url}` : `kubo at ${url} (skipped: no Kubo daemon answers there; set KUBO_API to test one)`,
  () => {
    storageCompliance('kubo', async () => {
      const storage = createKuboStorage({ url })
      await storage.start()
      return { storage, networked: true, cleanup: () => storage.stop() }
    })
  },
)

describe('kubo storage without a daemon', () => {
  test('error: a malformed address or a port where no daemon listens fails with StorageUnavailableError', async () => {
    expect(() => createKuboStorage({ url: 'not a url' })).toThrow(StorageUnavailableError)
    const server = createServer().listen(0, '127.0.0.1')
    await new Promise((r) => server.once('listening', r))
    const port = (server.address() as { port: number }).port
    await new Promise((r) => server.close(r))
    const storage = createKuboStorage({ url: `http://127.0.0.1:${port}` })
    await expect(storage.start()).rejects.toBeInstanceOf(StorageUnavailableError)
    await expect(storage.has('bafkreiamru2blsc7i76xgauwyjgzyjeldag3sif6rizkuhab26eon3txc4')).rejects.toBeInstanceOf(
      StorageUnavailableError,
    )
  })
})
