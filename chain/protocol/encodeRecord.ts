import { canonicalJson } from './canonicalJson.ts'
import { InvalidRecordError } from './errors.ts'
import { describeIssue } from './parseRecord.ts'
import { type ChainRecord, RECORD_PREFIX, recordSchema } from './records.ts'

/**
 * The remark text of a record: `ct1:` + canonical JSON. The record is checked against the schema
 * first, so nothing this code writes is later ignored by readers; throws `InvalidRecordError`.
 */
export function encodeRecord(record: ChainRecord): string {
  const parsed = recordSchema.safeParse(record)
  if (!parsed.success) throw new InvalidRecordError(describeIssue(parsed.error))
  return RECORD_PREFIX + canonicalJson(parsed.data)
}
