import { multiaddr } from '@multiformats/multiaddr'
import { decodeAddress } from '@polkadot/util-crypto'
import { CID } from 'multiformats/cid'
import { z } from 'zod'

/**
 * The remark prefix of every crowdtrain record: it names the protocol family, so other remarks on
 * the same chain are told apart at once. The record schema version is the `v` field inside.
 */
export const RECORD_PREFIX = 'ct1:'
/** The record schema version this code writes and reads. */
export const RECORD_VERSION = 1
/** Largest remark we parse (UTF-8 bytes, prefix included): a full weights reveal is ~60 KiB. */
export const MAX_RECORD_BYTES = 64 * 1024
/** Most libp2p addresses one participant may register. */
export const MAX_MULTIADDRS = 8
/** Longest multiaddr string accepted. */
export const MAX_MULTIADDR_CHARS = 256
/** Longest CID string accepted (a sha2-256 CIDv1 in base32 is 59 characters). */
export const MAX_CID_CHARS = 128
/** Most (uid, weight) pairs in one weights reveal (the largest `subnet.maxUids`). */
export const MAX_WEIGHTS = 4096
/** Highest shard index (the largest `shards.count` − 1). */
export const MAX_SHARD = 1023
const U32_MAX = 2 ** 32 - 1
const U16_MAX = 65535

/** True when `s` is an SS58 address of a 32-byte public key (any network prefix). */
export function isSs58(s: string): boolean {
  try {
    return decodeAddress(s).length === 32
  } catch {
    return false
  }
}

/**
 * The account behind an SS58 address as hex of its 32-byte public key, or null. Members are matched
 * on this, so the same key written with another network prefix is the same participant.
 */
export function accountId(s: string): string | null {
  try {
    const key = decodeAddress(s)
    return key.length === 32 ? Buffer.from(key).toString('hex') : null
  } catch {
    return null
  }
}

/** True when `s` parses as a CID and is written in its canonical string form. */
export function isCanonicalCid(s: string): boolean {
  try {
    // One CID has many string forms; only the canonical one is accepted, so equal CIDs compare equal.
    return CID.parse(s).toString() === s
  } catch {
    return false
  }
}

function isMultiaddr(s: string): boolean {
  try {
    multiaddr(s)
    return true
  } catch {
    return false
  }
}

const u32 = z.number().int().min(0).max(U32_MAX)
const u16 = z.number().int().min(0).max(U16_MAX)
/** 32 bytes as `0x` + 64 lowercase hex digits: the only accepted spelling, so hashes compare as strings. */
const hex32 = z.string().regex(/^0x[0-9a-f]{64}$/, 'expected 0x followed by 64 lowercase hex digits')
const cid = z.string().max(MAX_CID_CHARS).refine(isCanonicalCid, 'expected a CID in its canonical string form')
const ss58 = z.string().max(64).refine(isSs58, 'expected an SS58 address')
const ma = z.string().max(MAX_MULTIADDR_CHARS).refine(isMultiaddr, 'expected a libp2p multiaddr')
const head = { v: z.literal(RECORD_VERSION), netuid: u32 }

const registerSchema = z
  .object({
    ...head,
    t: z.literal('register'),
    role: z.enum(['miner', 'validator']),
    multiaddrs: z.array(ma).max(MAX_MULTIADDRS),
    stakeAccount: ss58.optional(),
  })
  .strict()
const deltaCommitSchema = z.object({ ...head, t: z.literal('delta-commit'), round: u32, hash: hex32 }).strict()
const deltaRevealSchema = z
  .object({ ...head, t: z.literal('delta-reveal'), round: u32, shard: z.number().int().min(0).max(MAX_SHARD), cid })
  .strict()
const weightsCommitSchema = z.object({ ...head, t: z.literal('weights-commit'), round: u32, hash: hex32 }).strict()
const weightsRevealSchema = z
  .object({
    ...head,
    t: z.literal('weights-reveal'),
    round: u32,
    weights: z.array(z.tuple([u16, u16])).max(MAX_WEIGHTS),
    salt: hex32,
    evalSeed: hex32,
    reportCid: cid,
  })
  .strict()

/** The strict schema of every record; cross-field rules (sorted weights, stake account) included. */
export const recordSchema = z
  .discriminatedUnion('t', [
    registerSchema,
    deltaCommitSchema,
    deltaRevealSchema,
    weightsCommitSchema,
    weightsRevealSchema,
  ])
  .superRefine((r, ctx) => {
    if (r.t === 'register' && r.role === 'miner' && r.stakeAccount !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['stakeAccount'], message: 'only validators declare a stake account' })
    }
    if (r.t === 'weights-reveal') {
      // Strictly ascending uids: one canonical form per weight vector, so its commit hash is unique.
      for (let i = 1; i < r.weights.length; i++) {
        if (r.weights[i][0] <= r.weights[i - 1][0]) {
          ctx.addIssue({ code: 'custom', path: ['weights', i], message: 'uids must be strictly ascending' })
          return
        }
      }
    }
  })

/** A miner or validator joins the subnet (batched with the registration fee). */
export type RegisterRecord = z.infer<typeof registerSchema>
/** A miner commits the hash of its delta's CID (miner commit window). */
export type DeltaCommitRecord = z.infer<typeof deltaCommitSchema>
/** A miner reveals its delta's CID (miner reveal window). */
export type DeltaRevealRecord = z.infer<typeof deltaRevealSchema>
/** A validator commits the hash of its weights (evaluate window). */
export type WeightsCommitRecord = z.infer<typeof weightsCommitSchema>
/** A validator reveals weights, salt, eval seed and its score report (weights reveal window). */
export type WeightsRevealRecord = z.infer<typeof weightsRevealSchema>
/** Any crowdtrain record. */
export type ChainRecord = z.infer<typeof recordSchema>
/** The record type tags. */
export type RecordType = ChainRecord['t']
/** A weight vector: `[uid, u16 weight]` pairs, uids strictly ascending. */
export type WeightEntry = [uid: number, weight: number]
