import { MemoryBlockstore } from 'blockstore-core'
import { createUnixfsStorage } from './createUnixfsStorage.ts'
import { NetworkedBlockstore } from './networkedBlockstore.ts'
import { memoryPinSet } from './pins.ts'
import type { Storage } from './Storage.ts'

/** A `Storage` held in memory with no network, for tests and single-process tools; same CIDs as Helia. */
export function createMemoryStorage(): Storage {
  let started = true
  return createUnixfsStorage({
    kind: 'memory',
    blockstore: new NetworkedBlockstore(new MemoryBlockstore()),
    pins: memoryPinSet(),
    isStarted: () => started,
    start: async () => {
      started = true
    },
    stop: async () => {
      started = false
    },
  })
}
