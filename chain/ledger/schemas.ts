import { z } from 'zod'
import { isCanonicalCid, isSs58, MAX_CID_CHARS, MAX_MULTIADDR_CHARS, MAX_MULTIADDRS } from '../protocol/index.ts'
import { DocumentTooLargeError, InvalidDocumentError } from './errors.ts'

/** Zod pieces shared by the report, ledger and subnet document schemas. */
export const u16 = z.number().int().min(0).max(65535)
export const u32 = z
  .number()
  .int()
  .min(0)
  .max(2 ** 32 - 1)
export const uid = z.number().int().min(0).max(4095)
export const cid = z.string().max(MAX_CID_CHARS).refine(isCanonicalCid, 'expected a CID in its canonical string form')
export const ss58 = z.string().max(64).refine(isSs58, 'expected an SS58 address')
/** Token amounts: a non-negative integer as a decimal string without leading zeros (JSON has no bigint). */
export const amount = z.string().regex(/^(0|[1-9][0-9]{0,38})$/, 'expected a decimal integer string')
export const multiaddrs = z.array(z.string().max(MAX_MULTIADDR_CHARS)).max(MAX_MULTIADDRS)
export const finite = z.number().finite()

/** True when the uids (first element or `uid` field) are strictly ascending. */
export function strictlyAscending(uids: readonly number[]): boolean {
  for (let i = 1; i < uids.length; i++) if (uids[i] <= uids[i - 1]) return false
  return true
}

const decoder = new TextDecoder('utf-8', { fatal: true })

/** Size cap, UTF-8, JSON, then the strict schema; one typed error per failure. */
export function parseJsonDocument<T>(
  what: string,
  bytes: Uint8Array,
  schema: z.ZodType<T, z.ZodTypeDef, unknown>,
  maxBytes: number,
): T {
  if (bytes.byteLength > maxBytes) throw new DocumentTooLargeError(what, bytes.byteLength, maxBytes)
  let json: unknown
  try {
    json = JSON.parse(decoder.decode(bytes))
  } catch (err) {
    throw new InvalidDocumentError(what, 'not UTF-8 JSON', err)
  }
  const parsed = schema.safeParse(json)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new InvalidDocumentError(what, `${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`)
  }
  return parsed.data
}
