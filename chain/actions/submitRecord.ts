import type { KeyringPair } from '@polkadot/keyring/types'
import type { ChainClient } from '../client/index.ts'
import { WindowClosedError } from '../errors.ts'
import { type ChainRecord, encodeRecord, type RoundSchedule, type WindowName } from '../protocol/index.ts'

/** Where a record landed. */
export type RecordReceipt = { block: number; index: number; text: string }

/** What every record action takes besides its record fields. */
export type RecordOptions = {
  signer: KeyringPair
  /** When given, the record is refused before sending if the next block is outside its window. */
  schedule?: RoundSchedule
  signal?: AbortSignal
}

/**
 * Sends one record as a `system.remark`. With a schedule, a record that would land outside its
 * window (grace included) throws `WindowClosedError` instead of paying a fee to be ignored.
 */
export async function submitRecord(
  client: ChainClient,
  record: Exclude<ChainRecord, { t: 'register' }>,
  window: WindowName,
  opts: RecordOptions,
): Promise<RecordReceipt> {
  const text = encodeRecord(record)
  if (opts.schedule) {
    const next = (await client.api.rpc.chain.getHeader()).number.toNumber() + 1
    const w = opts.schedule.forRound(record.round)[window]
    if (next < w.start || next > w.graceEnd)
      throw new WindowClosedError(record.t, record.round, next, w.start, w.graceEnd)
  }
  const res = await client.submit(client.api.tx.system.remark(text), opts.signer, { signal: opts.signal })
  client.logger.debug('record included', { t: record.t, round: record.round, block: res.blockNumber })
  return { block: res.blockNumber, index: res.index, text }
}
