import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { silentLogger } from '../shared/logger/index.ts'
import { createHeliaStorage, createMemoryStorage } from '../shared/storage/index.ts'
import { storageCompliance } from './storage.compliance.ts'

storageCompliance('helia (filesystem stores, 127.0.0.1)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'crowdtrain-helia-'))
  const storage = await createHeliaStorage({ dir, listen: ['/ip4/127.0.0.1/tcp/0'], logger: silentLogger })
  return {
    storage,
    networked: true,
    cleanup: async () => {
      await storage.stop()
      await rm(dir, { recursive: true, force: true })
    },
  }
})

storageCompliance('memory', async () => {
  const storage = createMemoryStorage()
  return { storage, networked: false, cleanup: () => storage.stop() }
})
