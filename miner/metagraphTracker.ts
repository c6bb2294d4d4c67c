import { type ChainClient, readRound } from '../chain/index.ts'
import { accountId, collectRegistrations, type Member } from '../chain/protocol/index.ts'
import type { Logger } from '../shared/logger/index.ts'

/** Registrations read block by block, so each refresh scans only the blocks it has not seen. */
export type MetagraphTracker = {
  /** Reads registrations up to `head` (inclusive) and returns the members, sorted by uid. */
  refresh(head: number, signal?: AbortSignal): Promise<Member[]>
  /** The member with this hotkey (matched by public key), if registered. */
  find(hotkey: string): Member | undefined
  /** Registered validators. */
  validators(): Member[]
}

/** The inputs of `createMetagraphTracker`. */
export type CreateMetagraphTrackerParameters = {
  client: ChainClient
  netuid: number
  maxUids: number
  immunityBlocks: number
  validatorSet?: ReadonlySet<string>
  logger: Logger
}

/** Follows the `register` records of a subnet (design §5, Uids) on top of what it has read so far. */
export function createMetagraphTracker(p: CreateMetagraphTrackerParameters): MetagraphTracker {
  let members: Member[] = []
  let scannedTo = -1
  const id = (hotkey: string) => accountId(hotkey) ?? hotkey
  return {
    async refresh(head, signal) {
      if (head <= scannedTo) return members
      const { remarks, to } = await readRound(p.client, { from: scannedTo + 1, to: head, signal })
      const reg = collectRegistrations(remarks, {
        netuid: p.netuid,
        maxUids: p.maxUids,
        immunityBlocks: p.immunityBlocks,
        prior: members,
        validatorSet: p.validatorSet,
      })
      for (const ignored of reg.ignored)
        p.logger.debug('registration ignored', { block: ignored.block, code: ignored.code, reason: ignored.reason })
      members = reg.members
      scannedTo = to
      return members
    },
    find: (hotkey) => members.find((m) => id(m.hotkey) === id(hotkey)),
    validators: () => members.filter((m) => m.role === 'validator'),
  }
}
