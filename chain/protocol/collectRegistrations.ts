import type { IgnoredRemark, RawRemark } from './collectRound.ts'
import { parseRecord } from './parseRecord.ts'
import { accountId } from './records.ts'

/** A registered participant: one row of the metagraph. */
export type Member = {
  uid: number
  hotkey: string
  role: 'miner' | 'validator'
  multiaddrs: string[]
  /** Where a validator's stake is read; the hotkey itself when it declared none. Miners: undefined. */
  stakeAccount?: string
  /** Block of the registration that gave this hotkey its uid (immunity counts from here). */
  registeredAt: number
}

/** The inputs of `collectRegistrations`. */
export type CollectRegistrationsParameters = {
  netuid: number
  /** Uid cap (config `subnet.maxUids`). */
  maxUids: number
  /** A uid younger than this many blocks is never replaced (config `subnet.immunityBlocks`). */
  immunityBlocks: number
  /** The metagraph the remarks apply to (e.g. from the last round ledger); empty when omitted. */
  prior?: readonly Member[]
  /** Incentive per uid from the last settled round (I32F32 or u16, only the order matters); missing = 0. */
  incentive?: ReadonlyMap<number, bigint | number>
  /** When given, only these hotkeys may register as validators (the subnet document's validator set). */
  validatorSet?: ReadonlySet<string>
}

/** The metagraph after the registrations, and what happened on the way. */
export type CollectRegistrationsReturnType = {
  /** Members sorted by uid. */
  members: Member[]
  /** The same members by SS58 hotkey (fits `collectRound`'s `members`). */
  byHotkey: Map<string, Member>
  /** Uids handed to a newcomer when the subnet was full. */
  replaced: { uid: number; hotkey: string; by: string; block: number }[]
  ignored: IgnoredRemark[]
}

/**
 * Applies `register` records in chain order on top of a prior metagraph (design §5, Uids). A new
 * hotkey takes the lowest free uid; when all `maxUids` are taken it replaces the miner with the
 * lowest incentive among those past immunity (ties: lowest uid) — validators are never replaced.
 * A registered hotkey registering again updates its multiaddrs and stake account, keeping its uid
 * and role. Failed batches, other netuids, other record types and malformed records are ignored
 * (the last two with a reason).
 */
export function collectRegistrations(
  remarks: readonly RawRemark[],
  params: CollectRegistrationsParameters,
): CollectRegistrationsReturnType {
  // Keyed by public key: the same key under another SS58 prefix is the same participant.
  const id = (ss58: string) => accountId(ss58) ?? ss58
  const byAccount = new Map<string, Member>()
  const byUidMap = new Map<number, Member>()
  for (const m of params.prior ?? []) {
    const copy = { ...m, multiaddrs: [...m.multiaddrs] }
    byAccount.set(id(copy.hotkey), copy)
    byUidMap.set(copy.uid, copy)
  }
  const validatorSet = params.validatorSet ? new Set([...params.validatorSet].map(id)) : undefined
  const replaced: CollectRegistrationsReturnType['replaced'] = []
  const ignored: IgnoredRemark[] = []
  const ordered = remarks
    .map((remark, order) => ({ remark, order }))
    .sort((a, b) => a.remark.block - b.remark.block || a.remark.index - b.remark.index || a.order - b.order)

  for (const { remark } of ordered) {
    const { block, index, signer } = remark
    const ignore = (code: string, reason: string) => ignored.push({ block, index, signer, code, reason })
    const parsed = parseRecord(remark.text)
    if (!parsed.ok) {
      if (parsed.code !== 'prefix') ignore(parsed.code, parsed.reason)
      continue
    }
    const record = parsed.record
    if (record.t !== 'register') continue
    if (!remark.success) {
      ignore('failed', 'the registration batch failed (fee not paid)')
      continue
    }
    if (record.netuid !== params.netuid) continue
    const signerId = accountId(signer)
    if (!signerId) {
      ignore('signer', 'signer is not an SS58 address of a 32-byte key')
      continue
    }
    if (record.role === 'validator' && validatorSet && !validatorSet.has(signerId)) {
      ignore('not-validator', 'hotkey is not in the subnet validator set')
      continue
    }
    const stakeAccount = record.role === 'validator' ? (record.stakeAccount ?? signer) : undefined
    if (stakeAccount !== undefined) {
      const stakeId = id(stakeAccount)
      const holder = [...byAccount.values()].find(
        (m) => m.stakeAccount !== undefined && id(m.stakeAccount) === stakeId && id(m.hotkey) !== signerId,
      )
      if (holder) {
        ignore('stake-account', `stake account already declared by uid ${holder.uid}: stake counts once`)
        continue
      }
    }
    const existing = byAccount.get(signerId)
    if (existing) {
      if (existing.role !== record.role) {
        ignore('role', `already registered as a ${existing.role}; a hotkey cannot change role`)
        continue
      }
      existing.multiaddrs = [...record.multiaddrs]
      existing.stakeAccount = stakeAccount
      continue
    }
    let uid = lowestFreeUid(byUidMap, params.maxUids)
    if (uid === undefined) {
      const victim = pickReplacement([...byUidMap.values()], block, params)
      if (!victim) {
        ignore('full', `all ${params.maxUids} uids are taken and none is past immunity`)
        continue
      }
      byAccount.delete(id(victim.hotkey))
      replaced.push({ uid: victim.uid, hotkey: victim.hotkey, by: signer, block })
      uid = victim.uid
    }
    const member: Member = {
      uid,
      hotkey: signer,
      role: record.role,
      multiaddrs: [...record.multiaddrs],
      registeredAt: block,
    }
    if (stakeAccount !== undefined) member.stakeAccount = stakeAccount
    byAccount.set(signerId, member)
    byUidMap.set(uid, member)
  }
  const members = [...byUidMap.values()].sort((a, b) => a.uid - b.uid)
  return { members, byHotkey: new Map(members.map((m) => [m.hotkey, m])), replaced, ignored }
}

function lowestFreeUid(taken: Map<number, Member>, maxUids: number): number | undefined {
  for (let uid = 0; uid < maxUids; uid++) if (!taken.has(uid)) return uid
  return undefined
}

function pickReplacement(members: Member[], block: number, params: CollectRegistrationsParameters): Member | undefined {
  const incentiveOf = (uid: number) => BigInt(params.incentive?.get(uid) ?? 0)
  const candidates = members.filter((m) => m.role === 'miner' && block - m.registeredAt >= params.immunityBlocks)
  candidates.sort((a, b) => {
    const d = incentiveOf(a.uid) - incentiveOf(b.uid)
    return d < 0n ? -1 : d > 0n ? 1 : a.uid - b.uid
  })
  return candidates[0]
}
