import { type ChainClient, readRound } from '../chain/index.ts'
import { accountId, collectRegistrations, type Member, type RawRemark } from '../chain/protocol/index.ts'
import type { Logger } from '../shared/logger/index.ts'

/** The crowdtrain remarks of the chain, read once block by block, and the metagraph at any block. */
export type ChainView = {
  /** Reads the blocks up to `head` (inclusive) not read yet. */
  refresh(head: number, signal?: AbortSignal): Promise<void>
  /** The last block read. */
  readonly scannedTo: number
  /** Remarks of blocks `from..to` (inclusive), in chain order. */
  remarksIn(from: number, to: number): RawRemark[]
  /** The members registered in blocks up to `block`, sorted by uid. */
  membersAt(block: number): Member[]
  /** The member with this hotkey (public key match) at `block`. */
  find(hotkey: string, block: number): Member | undefined
}

/** The inputs of `createChainView`. */
export type CreateChainViewParameters = {
  client: ChainClient
  netuid: number
  maxUids: number
  immunityBlocks: number
  /** The subnet document's validator hotkeys: only they may register as validators. */
  validatorSet: ReadonlySet<string>
  logger: Logger
}

/**
 * Follows the chain's crowdtrain remarks from block 0, so registrations (the metagraph) and the
 * records of any recent round come from one scan, each block read once.
 */
export function createChainView(p: CreateChainViewParameters): ChainView {
  const remarks: RawRemark[] = []
  let scannedTo = -1
  const cache = new Map<number, Member[]>()
  const membersAt = (block: number): Member[] => {
    const hit = cache.get(block)
    if (hit) return hit
    const reg = collectRegistrations(
      remarks.filter((r) => r.block <= block),
      { netuid: p.netuid, maxUids: p.maxUids, immunityBlocks: p.immunityBlocks, validatorSet: p.validatorSet },
    )
    // Only blocks already read give a final answer; later ones may still gain registrations.
    if (block <= scannedTo) cache.set(block, reg.members)
    return reg.members
  }
  return {
    get scannedTo() {
      return scannedTo
    },
    async refresh(head, signal) {
      if (head <= scannedTo) return
      const got = await readRound(p.client, { from: scannedTo + 1, to: head, signal })
      remarks.push(...got.remarks)
      scannedTo = got.to
    },
    remarksIn: (from, to) => remarks.filter((r) => r.block >= from && r.block <= to),
    membersAt,
    find(hotkey, block) {
      const id = accountId(hotkey) ?? hotkey
      return membersAt(block).find((m) => (accountId(m.hotkey) ?? m.hotkey) === id)
    },
  }
}
