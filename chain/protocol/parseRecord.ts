import type { ZodError } from 'zod'
import { type ChainRecord, MAX_RECORD_BYTES, RECORD_PREFIX, RECORD_VERSION, recordSchema } from './records.ts'

/** Why a remark is not a usable record: a stable code and a sentence for logs. */
export type ParseFailure = {
  ok: false
  code: 'not-text' | 'prefix' | 'size' | 'json' | 'version' | 'schema'
  reason: string
}
/** The result of `parseRecord`. */
export type ParseRecordReturnType = { ok: true; record: ChainRecord } | ParseFailure

/** Parses remark text into a record under the strict schema; never throws. */
export function parseRecord(text: unknown): ParseRecordReturnType {
  if (typeof text !== 'string') return fail('not-text', 'remark is not UTF-8 text')
  if (!text.startsWith(RECORD_PREFIX)) return fail('prefix', `not a crowdtrain record (no "${RECORD_PREFIX}" prefix)`)
  const bytes = Buffer.byteLength(text, 'utf8')
  if (bytes > MAX_RECORD_BYTES) return fail('size', `record is ${bytes} bytes, above the ${MAX_RECORD_BYTES} limit`)
  let json: unknown
  try {
    json = JSON.parse(text.slice(RECORD_PREFIX.length))
  } catch (err) {
    return fail('json', `malformed JSON: ${(err as Error).message}`)
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    return fail('json', 'record is not a JSON object')
  }
  const v = (json as { v?: unknown }).v
  if (v !== RECORD_VERSION) return fail('version', `unsupported record version ${JSON.stringify(v)}`)
  const parsed = recordSchema.safeParse(json)
  if (!parsed.success) return fail('schema', describeIssue(parsed.error))
  return { ok: true, record: parsed.data }
}

/** The first schema issue as one readable line, e.g. `weights.2: uids must be strictly ascending`. */
export function describeIssue(error: ZodError): string {
  const issue = error.issues[0]
  if (!issue) return 'invalid record'
  const where = issue.path.length > 0 ? issue.path.join('.') : 'record'
  if (issue.code === 'unrecognized_keys') return `${where}: unknown field(s) ${issue.keys.join(', ')}`
  if (issue.code === 'invalid_union_discriminator') return `t: unknown record type`
  return `${where}: ${issue.message}`
}

function fail(code: ParseFailure['code'], reason: string): ParseFailure {
  return { ok: false, code, reason }
}
