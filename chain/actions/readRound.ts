import type { AnyTuple, CallBase } from '@polkadot/types/types'
import { u8aToString } from '@polkadot/util'
import { encodeAddress } from '@polkadot/util-crypto'
import { SS58_PREFIX } from '../../shared/keys/index.ts'
import type { ChainClient } from '../client/index.ts'
import { type RawRemark, RECORD_PREFIX } from '../protocol/index.ts'
import { eventsOf, type ScannedBlock, scanBlocks } from './scanBlocks.ts'

/** The inputs of `readRound`. */
export type ReadRoundParameters = {
  /** First block (e.g. the round's first block). */
  from: number
  /** Last block, inclusive; default the finalized head. */
  to?: number
  /** Keep remarks without the crowdtrain prefix too (default false). */
  all?: boolean
  signal?: AbortSignal
}

/** The remarks of the range, in chain order, and the last block read. */
export type ReadRoundReturnType = { remarks: RawRemark[]; to: number }

const BATCHES = new Set(['batch', 'batchAll', 'forceBatch'])

/**
 * The remarks of a block range as `collectRound` takes them: remarks signed directly and those
 * inside `utility.batch` / `batchAll` / `forceBatch`. `success` is true only when the extrinsic
 * succeeded and its batch was neither interrupted nor had a failed item (read from the events).
 */
export async function readRound(client: ChainClient, p: ReadRoundParameters): Promise<ReadRoundReturnType> {
  const remarks: RawRemark[] = []
  const { to } = await scanBlocks(client, p, (block) => remarks.push(...remarksOfBlock(block, p.all ?? false)))
  return { remarks, to }
}

/** The remarks of one scanned block. */
export function remarksOfBlock(block: ScannedBlock, all: boolean): RawRemark[] {
  const out: RawRemark[] = []
  block.extrinsics.forEach((ext, index) => {
    if (!ext.isSigned) return
    const texts: string[] = []
    collectTexts(ext.method as unknown as CallBase<AnyTuple>, texts)
    const kept = all ? texts : texts.filter((t) => t.startsWith(RECORD_PREFIX))
    if (kept.length === 0) return
    const events = eventsOf(block, index)
    const has = (section: string, method: string) =>
      events.some((r) => r.event.section === section && r.event.method === method)
    const success =
      has('system', 'ExtrinsicSuccess') && !has('utility', 'BatchInterrupted') && !has('utility', 'ItemFailed')
    const signer = encodeAddress(ext.signer.toU8a(true).subarray(-32), SS58_PREFIX)
    for (const text of kept) out.push({ block: block.number, index, signer, success, text })
  })
  return out
}

function collectTexts(call: CallBase<AnyTuple>, out: string[]): void {
  if (call.section === 'system' && (call.method === 'remark' || call.method === 'remarkWithEvent')) {
    out.push(u8aToString(call.args[0].toU8a(true)))
  } else if (call.section === 'utility' && BATCHES.has(call.method)) {
    for (const inner of call.args[0] as unknown as CallBase<AnyTuple>[]) collectTexts(inner, out)
  }
}
