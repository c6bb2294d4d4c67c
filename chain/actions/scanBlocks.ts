import type { GenericExtrinsic } from '@polkadot/types'
import type { EventRecord } from '@polkadot/types/interfaces'
import type { ChainClient } from '../client/index.ts'

/** One block as the readers need it. */
export type ScannedBlock = { number: number; hash: string; extrinsics: GenericExtrinsic[]; events: EventRecord[] }

/** The inputs of `scanBlocks`. */
export type ScanBlocksParameters = {
  from: number
  /** Inclusive; default the finalized head. */
  to?: number
  /** Blocks fetched at once (default 8). */
  concurrency?: number
  signal?: AbortSignal
}

/** Reads blocks `from..to` with their events and hands them to `onBlock` in ascending order. */
export async function scanBlocks(
  client: ChainClient,
  p: ScanBlocksParameters,
  onBlock: (block: ScannedBlock) => void,
): Promise<{ from: number; to: number }> {
  const { api } = client
  const to = p.to ?? (await client.finalizedHead()).number
  const step = p.concurrency ?? 8
  for (let start = Math.max(0, p.from); start <= to; start += step) {
    p.signal?.throwIfAborted()
    const numbers = Array.from({ length: Math.min(step, to - start + 1) }, (_, k) => start + k)
    const blocks = await Promise.all(
      numbers.map(async (n) => {
        const hash = await api.rpc.chain.getBlockHash(n)
        const [signed, events] = await Promise.all([api.rpc.chain.getBlock(hash), api.query.system.events.at(hash)])
        return { number: n, hash: hash.toHex(), extrinsics: [...signed.block.extrinsics], events: [...events] }
      }),
    )
    for (const b of blocks) onBlock(b)
  }
  return { from: p.from, to }
}

/** The events of extrinsic `index` of a block. */
export function eventsOf(block: ScannedBlock, index: number): EventRecord[] {
  return block.events.filter((r) => r.phase.isApplyExtrinsic && r.phase.asApplyExtrinsic.toNumber() === index)
}
