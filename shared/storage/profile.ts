import type { ImporterOptions } from 'ipfs-unixfs-importer'

/**
 * The one UnixFS import profile of crowdtrain (design §4): CIDv1, sha2-256, raw leaves, 1 MiB fixed-size
 * chunks, a balanced DAG of at most 1024 links per node, no mtime or mode. This is exactly the
 * `unixfs-v1-2025` profile of IPIP-499 (https://specs.ipfs.tech/ipips/ipip-0499/), which
 * `ipfs-unixfs-importer` 17 implements (`profile: 'unixfs-v1-2025'` sets cidVersion 1, rawLeaves, 1 MiB
 * chunks, `balanced({ maxChildrenPerNode: 1024 })` and HAMT sizing by whole block bytes). The explicit
 * fields below restate it so a reader does not need the importer's source.
 */
export const UNIXFS_PROFILE = {
  profile: 'unixfs-v1-2025',
  cidVersion: 1,
  rawLeaves: true,
  reduceSingleLeafToSelf: true,
  wrapWithDirectory: false,
} as const satisfies ImporterOptions

/** Chunk size of the profile in bytes (1 MiB). */
export const PROFILE_CHUNK_BYTES = 1_048_576

/** Most links in one file node of the profile. */
export const PROFILE_MAX_LINKS = 1024

/**
 * The Kubo `add` parameters that produce the same CIDs as `UNIXFS_PROFILE`, sent as RPC query parameters
 * (`ipfs add` CLI: `--cid-version=1 --raw-leaves=true --chunker=size-1048576 --trickle=false
 * --max-file-links=1024 --hash=sha2-256`). What is true about Kubo:
 * - `--max-file-links` (config `Import.UnixFSFileMaxLinks`, added by ipfs/kubo#10774, Kubo 0.35) is marked
 *   experimental. Older daemons do not know it and build file nodes of at most 174 links, so only files
 *   above 174 MiB (more than 174 chunks) would get another root CID there.
 * - Kubo ≥ 0.40 ships the whole profile as a config profile: `ipfs config profile apply unixfs-v1-2025`.
 * - Directory sharding (HAMT) is not a per-call flag: Kubo shards by its `Import.UnixFSHAMTDirectorySizeEstimation`
 *   config (`block` in the unixfs-v1-2025 profile). Checkpoint directories hold three files, far below the
 *   256 KiB threshold, so they never shard and agree regardless.
 * - `--preserve-mode` / `--preserve-mtime` default to false: no mtime or mode is written.
 */
export const KUBO_ADD_PARAMS = {
  'cid-version': 1,
  'raw-leaves': true,
  chunker: `size-${PROFILE_CHUNK_BYTES}`,
  trickle: false,
  'max-file-links': PROFILE_MAX_LINKS,
  hash: 'sha2-256',
  'preserve-mode': false,
  'preserve-mtime': false,
  inline: false,
} as const
