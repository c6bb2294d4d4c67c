import { mkdir, rm, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { CID } from 'multiformats/cid'

/** The set of pinned roots. */
export type PinSet = {
  add(cid: CID): Promise<void>
  delete(cid: CID): Promise<void>
  has(cid: CID): Promise<boolean>
}

/** Pins kept as one empty file per root under `dir`, named by the CIDv1 string, so they survive restarts. */
export function filePinSet(dir: string): PinSet {
  // CIDv1 base32 strings are lowercase letters and digits: safe as file names.
  const file = (cid: CID) => join(dir, cid.toV1().toString())
  return {
    async add(cid) {
      await mkdir(dir, { recursive: true })
      await writeFile(file(cid), '')
    },
    async delete(cid) {
      await rm(file(cid), { force: true })
    },
    async has(cid) {
      return stat(file(cid)).then(
        () => true,
        () => false,
      )
    },
  }
}

/** Pins held in memory, for the in-memory storage. */
export function memoryPinSet(): PinSet {
  const pins = new Set<string>()
  return {
    async add(cid) {
      pins.add(cid.toV1().toString())
    },
    async delete(cid) {
      pins.delete(cid.toV1().toString())
    },
    async has(cid) {
      return pins.has(cid.toV1().toString())
    },
  }
}
