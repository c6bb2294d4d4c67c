import { randomBytes } from 'node:crypto'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import {
  ContentTooLargeError,
  FetchTimeoutError,
  InvalidAddInputError,
  InvalidCidError,
  InvalidContentError,
  NotFoundError,
  type Storage,
  StorageAbortedError,
  StorageUnavailableError,
} from '../shared/storage/index.ts'

/**
 * What a backend under test provides: a started storage, a way to remove everything it made, and whether it
 * asks peers for content it lacks (then a missing CID waits until a timeout or abort; otherwise it is not found).
 */
export type StorageUnderTest = { storage: Storage; cleanup: () => Promise<void>; networked: boolean }

const text = (s: string) => new TextEncoder().encode(s)

/** A CID that no store holds: the hash of fresh random bytes. */
async function missingCid(): Promise<CID> {
  return CID.createV1(raw.code, await sha256.digest(randomBytes(32)))
}

/**
 * Registers the `Storage` compliance tests for one implementation. Every implementation must pass all of
 * them: the rest of crowdtrain relies on nothing else.
 */
export function storageCompliance(name: string, factory: () => Promise<StorageUnderTest>): void {
  describe(`Storage compliance: ${name}`, () => {
    let under: StorageUnderTest
    let s: Storage
    beforeAll(async () => {
      under = await factory()
      s = under.storage
    })
    afterAll(async () => {
      await under?.cleanup()
    })

    test('default: bytes added come back byte-exact (single and multi-chunk)', async () => {
      for (const bytes of [text('hello crowdtrain'), randomBytes(2.5 * 1024 * 1024)]) {
        const cid = await s.add(bytes)
        const got = await s.get(cid, { maxBytes: bytes.length })
        expect(Buffer.compare(got, bytes)).toBe(0)
        expect(Buffer.compare(await s.get(cid.toString(), { maxBytes: bytes.length }), bytes)).toBe(0)
      }
    })

    test('behavior: the same bytes give the same CID twice, CIDv1', async () => {
      const bytes = randomBytes(1024 * 1024 + 7)
      const first = await s.add(bytes)
      const second = await s.add(Uint8Array.from(bytes))
      expect(second.toString()).toBe(first.toString())
      expect(first.version).toBe(1)
    })

    test('behavior: a directory of files gives one CID, whatever the order, and each file reads back', async () => {
      const files = [
        { path: 'model.safetensors', content: randomBytes(1_200_000) },
        { path: 'outer_state.safetensors', content: randomBytes(3000) },
        { path: 'manifest.json', content: text('{"round":3}') },
      ]
      const dir = await s.add(files)
      const again = await s.add([...files].reverse())
      expect(again.toString()).toBe(dir.toString())
      const names = (await s.ls(dir)).map((e) => e.name).sort()
      expect(names).toEqual(['manifest.json', 'model.safetensors', 'outer_state.safetensors'])
      for (const f of files) {
        const got = await s.getFile(dir, f.path, { maxBytes: 2_000_000 })
        expect(Buffer.compare(got, f.content)).toBe(0)
      }
    })

    test('error: content over maxBytes fails with ContentTooLargeError and never reports more than the cap', async () => {
      const bytes = randomBytes(3 * 1024 * 1024)
      const cid = await s.add(bytes)
      const seen: number[] = []
      const maxBytes = 1024 * 1024
      await expect(s.get(cid, { maxBytes, onProgress: (p) => seen.push(p.bytes) })).rejects.toBeInstanceOf(
        ContentTooLargeError,
      )
      expect(seen.every((b) => b <= maxBytes)).toBe(true)
      await expect(s.get(cid, { maxBytes: bytes.length - 1 })).rejects.toBeInstanceOf(ContentTooLargeError)
    })

    test('error: an aborted signal stops a fetch with StorageAbortedError', async () => {
      const cid = await s.add(text('abort me'))
      const aborted = AbortSignal.abort()
      await expect(s.get(cid, { maxBytes: 100, signal: aborted })).rejects.toBeInstanceOf(StorageAbortedError)
      if (!under.networked) return
      // A CID nobody has would wait for peers forever; the abort must end the wait.
      const controller = new AbortController()
      setTimeout(() => controller.abort(), 200)
      await expect(s.get(await missingCid(), { maxBytes: 100, signal: controller.signal })).rejects.toBeInstanceOf(
        StorageAbortedError,
      )
    })

    test('error: content nobody serves fails with FetchTimeoutError (networked) or NotFoundError (local)', async () => {
      if (!under.networked) {
        await expect(s.get(await missingCid(), { maxBytes: 100 })).rejects.toBeInstanceOf(NotFoundError)
        return
      }
      await expect(s.get(await missingCid(), { maxBytes: 100, timeoutMs: 300 })).rejects.toBeInstanceOf(
        FetchTimeoutError,
      )
    })

    test('behavior: has, pin, unpin', async () => {
      const cid = await s.add(randomBytes(2 * 1024 * 1024))
      expect(await s.has(cid)).toBe(true)
      expect(await s.has(await missingCid())).toBe(false)
      expect(await s.isPinned(cid)).toBe(false)
      await s.pin(cid)
      expect(await s.isPinned(cid)).toBe(true)
      await s.unpin(cid)
      expect(await s.isPinned(cid)).toBe(false)
      await s.unpin(cid)
      expect(await s.has(cid)).toBe(true)
    })

    test('behavior: start and stop are safe twice; calls fail typed while stopped; content survives a restart', async () => {
      const bytes = randomBytes(1_100_000)
      const cid = await s.add(bytes)
      await s.start()
      await s.stop()
      await s.stop()
      if (s.kind !== 'kubo') {
        await expect(s.get(cid, { maxBytes: bytes.length })).rejects.toBeInstanceOf(StorageUnavailableError)
      }
      await s.start()
      await s.start()
      expect(Buffer.compare(await s.get(cid, { maxBytes: bytes.length }), bytes)).toBe(0)
    })

    test('error: malformed CIDs, missing paths and directories read as files fail with typed errors', async () => {
      await expect(s.get('not-a-cid', { maxBytes: 10 })).rejects.toBeInstanceOf(InvalidCidError)
      const dir = await s.add([{ path: 'a.txt', content: text('a') }])
      await expect(s.getFile(dir, 'b.txt', { maxBytes: 10, timeoutMs: 2000 })).rejects.toBeInstanceOf(NotFoundError)
      await expect(s.get(dir, { maxBytes: 10 })).rejects.toBeInstanceOf(InvalidContentError)
      await expect(s.add([{ path: '../x', content: text('x') }])).rejects.toBeInstanceOf(InvalidAddInputError)
      await expect(s.add([])).rejects.toBeInstanceOf(InvalidAddInputError)
    })
  })
}
