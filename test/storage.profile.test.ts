import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { silentLogger } from '../shared/logger/index.ts'
import {
  createHeliaStorage,
  createMemoryStorage,
  type HeliaStorage,
  PROFILE_CHUNK_BYTES,
} from '../shared/storage/index.ts'

/*
 * The Kubo side is computed independently of every IPFS library: the dag-pb blocks that Kubo's balanced
 * builder writes for `ipfs add --cid-version=1 --raw-leaves=true --chunker=size-1048576 --trickle=false
 * --max-file-links=1024` are encoded here by hand (protobuf fields as in the dag-pb and UnixFS specs; only
 * `multiformats` is used, for sha2-256 and CID bytes):
 * - a file of one chunk is a single raw block (CIDv1, codec raw);
 * - a file of n ≤ 1024 chunks is one dag-pb root: n links {Hash: raw leaf, Name: "", Tsize: leaf bytes}
 *   then Data = UnixFS {Type: File, filesize, blocksizes (one per leaf, unpacked)};
 * - a directory is one dag-pb node: links sorted by name {Hash, Name, Tsize: the child's whole DAG bytes},
 *   then Data = UnixFS {Type: Directory}.
 * Reference: Helia's Kubo interop test (ipfs/helia#1083) pins a Kubo node to the `unixfs-v1-2025` profile,
 * adds a 10 MiB file and asserts that its root block is 509 bytes (10 leaves); the hand-built root below
 * must be exactly that size too.
 */

function varint(n: number): number[] {
  const out: number[] = []
  let v = n
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80)
    v = Math.floor(v / 0x80)
  }
  out.push(v)
  return out
}

/** A length-delimited protobuf field. */
function bytesField(tag: number, bytes: Uint8Array | number[]): number[] {
  return [tag, ...varint(bytes.length), ...bytes]
}

type Link = { cid: CID; name: string; tsize: number }

/** dag-pb: PBNode { repeated PBLink Links = 2; bytes Data = 1 }, Links first as dag-pb requires. */
function pbNode(links: Link[], data: number[]): Uint8Array {
  const out: number[] = []
  for (const l of links) {
    const link = [
      ...bytesField(0x0a, l.cid.bytes),
      ...bytesField(0x12, new TextEncoder().encode(l.name)),
      0x18,
      ...varint(l.tsize),
    ]
    out.push(...bytesField(0x12, link))
  }
  out.push(...bytesField(0x0a, data))
  return Uint8Array.from(out)
}

type Built = { cid: CID; dagBytes: number; rootBytes: number }

/** The DAG Kubo builds for one file with the profile's flags (at most 1024 chunks: one level). */
async function kuboFile(bytes: Uint8Array): Promise<Built> {
  const leaves: Link[] = []
  for (let at = 0; at < bytes.length || at === 0; at += PROFILE_CHUNK_BYTES) {
    const chunk = bytes.subarray(at, at + PROFILE_CHUNK_BYTES)
    leaves.push({ cid: CID.createV1(raw.code, await sha256.digest(chunk)), name: '', tsize: chunk.length })
  }
  if (leaves.length === 1) return { cid: leaves[0].cid, dagBytes: bytes.length, rootBytes: bytes.length }
  if (leaves.length > 1024) throw new Error('this reference builds one level only')
  // UnixFS Data { Type = 1: File (2); filesize = 3; blocksizes = 4 (repeated, unpacked) }
  const data = [0x08, 0x02, 0x18, ...varint(bytes.length), ...leaves.flatMap((l) => [0x20, ...varint(l.tsize)])]
  const root = pbNode(leaves, data)
  const cid = CID.createV1(0x70, await sha256.digest(root))
  return { cid, dagBytes: root.length + bytes.length, rootBytes: root.length }
}

/** The directory node Kubo builds for `ipfs add -r --wrap-with-directory` of these files. */
async function kuboDirectory(files: { path: string; content: Uint8Array }[]): Promise<CID> {
  const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : 1))
  const links: Link[] = []
  for (const f of sorted) {
    const built = await kuboFile(f.content)
    links.push({ cid: built.cid, name: f.path, tsize: built.dagBytes })
  }
  return CID.createV1(0x70, await sha256.digest(pbNode(links, [0x08, 0x01])))
}

/** Deterministic pseudo-random bytes (xorshift32), so the CIDs are the same on every run. */
function bytesOf(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length)
  let x = seed >>> 0 || 1
  for (let i = 0; i < length; i++) {
    x ^= x << 13
    x >>>= 0
    x ^= x >>> 17
    x ^= x << 5
    x >>>= 0
    out[i] = x & 0xff
  }
  return out
}

describe('UnixFS profile: Helia and the Kubo flags agree', () => {
  let dir: string
  let helia: HeliaStorage
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'crowdtrain-profile-'))
    helia = await createHeliaStorage({ dir, listen: ['/ip4/127.0.0.1/tcp/0'], logger: silentLogger })
  })
  afterAll(async () => {
    await helia?.stop()
    await rm(dir, { recursive: true, force: true })
  })

  test('default: a 10 MiB file has the CID of the Kubo profile (root block of 509 bytes, as Kubo writes)', async () => {
    const bytes = bytesOf(10 * 1024 * 1024, 1)
    const kubo = await kuboFile(bytes)
    expect(kubo.rootBytes).toBe(509)
    expect((await helia.add(bytes)).toString()).toBe(kubo.cid.toString())
  })

  test('behavior: a file that fits one chunk is a single raw block, as Kubo gives with --raw-leaves', async () => {
    for (const bytes of [bytesOf(1, 2), bytesOf(PROFILE_CHUNK_BYTES, 3)]) {
      const cid = await helia.add(bytes)
      expect(cid.code).toBe(raw.code)
      expect(cid.toString()).toBe((await kuboFile(bytes)).cid.toString())
    }
    // One byte past a chunk needs a root with two leaves: 1 MiB + 1 byte.
    const twoLeaves = bytesOf(PROFILE_CHUNK_BYTES + 1, 4)
    expect((await helia.add(twoLeaves)).toString()).toBe((await kuboFile(twoLeaves)).cid.toString())
  })

  test('behavior: a checkpoint directory has the CID of the Kubo profile, the same on another node', async () => {
    const files = [
      { path: 'model.safetensors', content: bytesOf(2_500_000, 5) },
      { path: 'outer_state.safetensors', content: bytesOf(40_000, 6) },
      { path: 'manifest.json', content: new TextEncoder().encode('{"round":1,"task":"moby-char"}') },
    ]
    const expected = (await kuboDirectory(files)).toString()
    expect((await helia.add(files)).toString()).toBe(expected)
    expect((await helia.add(files)).toString()).toBe(expected)
    expect((await createMemoryStorage().add([...files].reverse())).toString()).toBe(expected)
  })
})
