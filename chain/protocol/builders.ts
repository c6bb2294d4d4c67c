import { u8aToHex } from '@polkadot/util'
import { deltaCommitHash, type Hex32, weightsCommitHash } from './hashes.ts'
import type {
  DeltaCommitRecord,
  DeltaRevealRecord,
  RegisterRecord,
  WeightEntry,
  WeightsCommitRecord,
  WeightsRevealRecord,
} from './records.ts'

/** A `register` record (role, libp2p addresses, a validator's optional stake account). */
export function registerRecord(p: {
  netuid: number
  role: 'miner' | 'validator'
  multiaddrs: string[]
  stakeAccount?: string
}): RegisterRecord {
  const record: RegisterRecord = { v: 1, t: 'register', netuid: p.netuid, role: p.role, multiaddrs: p.multiaddrs }
  if (p.stakeAccount !== undefined) record.stakeAccount = p.stakeAccount
  return record
}

/** The miner's `delta-commit` for a CID, hashed under its own hotkey. */
export function deltaCommitRecord(p: {
  hotkey: string
  netuid: number
  round: number
  cid: string
}): DeltaCommitRecord {
  return {
    v: 1,
    t: 'delta-commit',
    netuid: p.netuid,
    round: p.round,
    hash: deltaCommitHash(p.hotkey, p.netuid, p.round, p.cid),
  }
}

/** The miner's `delta-reveal`. */
export function deltaRevealRecord(p: { netuid: number; round: number; shard: number; cid: string }): DeltaRevealRecord {
  return { v: 1, t: 'delta-reveal', netuid: p.netuid, round: p.round, shard: p.shard, cid: p.cid }
}

/** The validator's `weights-commit`, hashed under its own hotkey. */
export function weightsCommitRecord(p: {
  hotkey: string
  netuid: number
  round: number
  weights: WeightEntry[]
  salt: Hex32
  evalSeed: Hex32
}): WeightsCommitRecord {
  return { v: 1, t: 'weights-commit', netuid: p.netuid, round: p.round, hash: weightsCommitHash(p) }
}

/** The validator's `weights-reveal` (keep salt and evalSeed from the commit: a restart must not lose them). */
export function weightsRevealRecord(p: {
  netuid: number
  round: number
  weights: WeightEntry[]
  salt: Hex32
  evalSeed: Hex32
  reportCid: string
}): WeightsRevealRecord {
  return {
    v: 1,
    t: 'weights-reveal',
    netuid: p.netuid,
    round: p.round,
    weights: p.weights,
    salt: p.salt,
    evalSeed: p.evalSeed,
    reportCid: p.reportCid,
  }
}

/** 32 random bytes as lowercase hex, for a salt or an eval seed. */
export function randomHex32(): Hex32 {
  return u8aToHex(crypto.getRandomValues(new Uint8Array(32))) as Hex32
}

/**
 * Scores (uid → non-negative number) as a weight vector: scaled so the best score is 65535,
 * rounded, zeros, negatives and non-finite scores dropped, uids ascending (the form records need).
 * Only ratios matter: Yuma normalises every row.
 */
export function weightsFromScores(scores: ReadonlyMap<number, number>): WeightEntry[] {
  const valid = [...scores].filter(
    ([uid, s]) => Number.isInteger(uid) && uid >= 0 && uid <= 65535 && Number.isFinite(s) && s > 0,
  )
  const max = valid.reduce((m, [, s]) => Math.max(m, s), 0)
  if (max === 0) return []
  return valid
    .map(([uid, s]): WeightEntry => [uid, Math.round((s / max) * 65535)])
    .filter(([, w]) => w > 0)
    .sort((a, b) => a[0] - b[0])
}

/** Remark bytes as text, or null when they are not valid UTF-8 (such a remark is not ours). */
export function remarkText(bytes: Uint8Array): string | null {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    return null
  }
}
