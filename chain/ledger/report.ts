import type { KeyringPair } from '@polkadot/keyring/types'
import { u8aToHex } from '@polkadot/util'
import { signatureVerify } from '@polkadot/util-crypto'
import { z } from 'zod'
import { canonicalJson } from '../../shared/p2p/index.ts'
import { MAX_SHARD, MAX_WEIGHTS } from '../protocol/index.ts'
import { BadReportSignatureError, DocumentMismatchError } from './errors.ts'
import { cid, finite, parseJsonDocument, ss58, strictlyAscending, u32, uid } from './schemas.ts'

/** Version of the score report format. */
export const REPORT_VERSION = 1
/** Largest score report accepted (a row is ~300 bytes; 4096 rows fit). */
export const MAX_REPORT_BYTES = 2 * 1024 * 1024
/** Signed bytes start with this, so a report signature can never pass for a signature of anything else. */
const REPORT_DOMAIN = 'crowdtrain-report-v1:'

const rowSchema = z
  .object({
    uid,
    hotkey: ss58,
    cid,
    shard: z.number().int().min(0).max(MAX_SHARD),
    /** The delta's bytes arrived within the size cap and timeout. */
    fetched: z.boolean(),
    /** It decoded strictly (shapes, base, round, shard, hotkey, finite, norm). */
    valid: z.boolean(),
    /** Why the score is zero (or anything else worth saying); required when score is 0. */
    reason: z.string().min(1).max(200).optional(),
    lossBase: finite.optional(),
    lossStep: finite.optional(),
    improvement: finite.optional(),
    /** Near-duplicate group, named by its lowest uid; members share one reward. */
    group: uid.optional(),
    score: finite.min(0),
  })
  .strict()

const reportSchema = z
  .object({
    v: z.literal(REPORT_VERSION),
    netuid: u32,
    round: u32,
    /** The validator's hotkey (SS58): the signer. */
    validator: ss58,
    evalPages: z.array(z.number().int().min(0)).max(10_000),
    rows: z.array(rowSchema).max(MAX_WEIGHTS),
  })
  .strict()
  .superRefine((r, ctx) => {
    if (!strictlyAscending(r.rows.map((x) => x.uid))) {
      ctx.addIssue({ code: 'custom', path: ['rows'], message: 'rows must be sorted by strictly ascending uid' })
    }
    r.rows.forEach((row, i) => {
      if (row.valid && !row.fetched) {
        ctx.addIssue({ code: 'custom', path: ['rows', i, 'valid'], message: 'a delta not fetched cannot be valid' })
      }
      if (row.score > 0 && !row.valid) {
        ctx.addIssue({ code: 'custom', path: ['rows', i, 'score'], message: 'an invalid delta must score 0' })
      }
      if (row.score === 0 && row.reason === undefined) {
        ctx.addIssue({ code: 'custom', path: ['rows', i, 'reason'], message: 'a zero score needs a reason' })
      }
    })
  })

const wireSchema = z.object({ report: reportSchema, signature: z.string().regex(/^0x[0-9a-f]{128}$/) }).strict()

/** One miner's row of a score report. */
export type ScoreRow = z.infer<typeof rowSchema>
/** A validator's score report for one round (docs/network.md, evaluate window). */
export type ScoreReport = z.infer<typeof reportSchema>
/** A report with its signature, as stored on IPFS. */
export type SignedScoreReport = { report: ScoreReport; signature: `0x${string}` }

/** The bytes a validator signs for a report: a domain prefix and the report's canonical JSON. */
export function reportSigningBytes(report: ScoreReport): Uint8Array {
  return new TextEncoder().encode(REPORT_DOMAIN + canonicalJson(report))
}

/**
 * Signs a report with the validator's sr25519 hotkey and encodes `{ report, signature }` as canonical
 * JSON. The report is checked against the schema first, so a validator never publishes what others refuse.
 */
export function encodeScoreReport(report: ScoreReport, signer: KeyringPair): Uint8Array {
  const checked = reportSchema.parse(report)
  if (checked.validator !== signer.address) {
    throw new DocumentMismatchError('score report', 'validator', checked.validator, signer.address)
  }
  const signature = u8aToHex(signer.sign(reportSigningBytes(checked)))
  return new TextEncoder().encode(canonicalJson({ report: checked, signature }))
}

/** What a reader expects of a report; a field left out is not checked. */
export type ParseScoreReportOptions = {
  maxBytes?: number
  netuid?: number
  round?: number
  /** The hotkey of the validator whose weights reveal named this report. */
  validator?: string
}

/**
 * Parses a score report from IPFS strictly: size cap, JSON, schema (sorted rows, a reason for every
 * zero), the expected netuid/round/validator, and an sr25519 signature by the validator's hotkey.
 */
export function parseScoreReport(bytes: Uint8Array, opts: ParseScoreReportOptions = {}): SignedScoreReport {
  const { report, signature } = parseJsonDocument('score report', bytes, wireSchema, opts.maxBytes ?? MAX_REPORT_BYTES)
  for (const key of ['netuid', 'round', 'validator'] as const) {
    if (opts[key] !== undefined && report[key] !== opts[key]) {
      throw new DocumentMismatchError('score report', key, report[key], opts[key])
    }
  }
  if (!verifyScoreReport({ report, signature: signature as `0x${string}` })) {
    throw new BadReportSignatureError(report.validator)
  }
  return { report, signature: signature as `0x${string}` }
}

/** True when the signature is an sr25519 signature of the report by its validator's hotkey. */
export function verifyScoreReport(signed: SignedScoreReport): boolean {
  try {
    const v = signatureVerify(reportSigningBytes(signed.report), signed.signature, signed.report.validator)
    return v.isValid && v.crypto === 'sr25519'
  } catch {
    return false
  }
}

/** The uids a report vouches for: rows listed as fetched and valid (the input of `stakeQuorum`). */
export function vouchedUids(report: ScoreReport): Set<number> {
  return new Set(report.rows.filter((r) => r.fetched && r.valid).map((r) => r.uid))
}
