import { describe } from 'vitest'
import { createKuboStorage } from '../shared/storage/index.ts'
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
