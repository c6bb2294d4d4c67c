import { deltaCommitHash, type Hex32, weightsCommitHash } from './hashes.ts'
import { parseRecord } from './parseRecord.ts'
import { accountId, type ChainRecord, type WeightEntry } from './records.ts'
import type { BlockWindow, RoundSchedule, WindowName } from './roundWindows.ts'

/** A `system.remark` as the chain reader extracts it. */
export type RawRemark = {
  block: number
  /** Extrinsic index: the order within the block. Remarks of one batch share it and keep their order. */
  index: number
  /** SS58 address of the extrinsic's signer. */
  signer: string
  /** The extrinsic (and the whole batch it sits in) succeeded, read from the block's events. */
  success: boolean
  text: string
}

/** A participant as collectRound needs it. */
export type MemberInfo = { uid: number; role: 'miner' | 'validator' }

/** Why a remark was not used, with a stable code for tests and metrics. */
export type IgnoredRemark = { block: number; index: number; signer: string; code: string; reason: string }

/** A counted commit (either kind). */
export type CommitEntry = { uid: number; hotkey: string; hash: Hex32; block: number; index: number }
/** A counted miner reveal. */
export type DeltaRevealEntry = { uid: number; hotkey: string; shard: number; cid: string; block: number; index: number }
/** A counted validator reveal. */
export type WeightsRevealEntry = {
  uid: number
  hotkey: string
  weights: WeightEntry[]
  salt: Hex32
  evalSeed: Hex32
  reportCid: string
  block: number
  index: number
}

/** The inputs of `collectRound`. */
export type CollectRoundParameters = {
  netuid: number
  round: number
  /** Remarks from the blocks of the round (others are ignored with a reason); any order. */
  remarks: readonly RawRemark[]
  /** Registered participants by SS58 hotkey (matched by public key, whatever the address prefix). */
  members: ReadonlyMap<string, MemberInfo>
  windows: RoundSchedule
  /** The shard a miner must train this round (design §3); when given, a reveal for another shard is ignored. */
  expectedShard?: (uid: number) => number
}

/** What counted in a round, each list sorted by uid, and what was ignored, in chain order. */
export type CollectRoundReturnType = {
  deltaCommits: CommitEntry[]
  deltaReveals: DeltaRevealEntry[]
  weightCommits: CommitEntry[]
  weightReveals: WeightsRevealEntry[]
  ignored: IgnoredRemark[]
}

type RoundRecord = Exclude<ChainRecord, { t: 'register' }>
const RULES: Record<RoundRecord['t'], { window: WindowName; role: MemberInfo['role'] }> = {
  'delta-commit': { window: 'commit', role: 'miner' },
  'delta-reveal': { window: 'reveal', role: 'miner' },
  'weights-commit': { window: 'evaluate', role: 'validator' },
  'weights-reveal': { window: 'weightsReveal', role: 'validator' },
}

/**
 * Applies the round rules (design §2, §5) to raw remarks, in chain order (block, then extrinsic
 * index). A record counts only if its extrinsic succeeded, it parses, it is for this netuid and
 * round, its signer is a member of the right role, it is inside its window (grace included), it is
 * the signer's first valid record of its type, and — for reveals — it matches the signer's counted
 * commit. Everything else lands in `ignored` with a reason. `register` records are left to
 * `collectRegistrations` and are skipped silently.
 */
export function collectRound(params: CollectRoundParameters): CollectRoundReturnType {
  const { netuid, round } = params
  const byAccount = new Map<string, { hotkey: string; info: MemberInfo }>()
  for (const [hotkey, info] of params.members) {
    const id = accountId(hotkey)
    if (id) byAccount.set(id, { hotkey, info })
  }
  const w = params.windows.forRound(round)
  const ordered = params.remarks
    .map((remark, order) => ({ remark, order }))
    .sort((a, b) => a.remark.block - b.remark.block || a.remark.index - b.remark.index || a.order - b.order)
  const deltaCommits = new Map<string, CommitEntry>()
  const deltaReveals = new Map<string, DeltaRevealEntry>()
  const weightCommits = new Map<string, CommitEntry>()
  const weightReveals = new Map<string, WeightsRevealEntry>()
  const ignored: IgnoredRemark[] = []

  for (const { remark } of ordered) {
    const { block, index, signer } = remark
    const ignore = (code: string, reason: string) => ignored.push({ block, index, signer, code, reason })
    if (!remark.success) {
      ignore('failed', 'the extrinsic or its batch failed')
      continue
    }
    const parsed = parseRecord(remark.text)
    if (!parsed.ok) {
      ignore(parsed.code, parsed.reason)
      continue
    }
    const record = parsed.record
    if (record.t === 'register') continue
    if (record.netuid !== netuid) {
      ignore('netuid', `record for netuid ${record.netuid}, not ${netuid}`)
      continue
    }
    if (record.round !== round) {
      ignore('round', `record for round ${record.round}, not ${round}`)
      continue
    }
    const rule = RULES[record.t]
    const found = byAccount.get(accountId(signer) ?? '')
    if (!found) {
      ignore('not-member', 'signer is not registered on this subnet')
      continue
    }
    const { hotkey, info: member } = found
    if (member.role !== rule.role) {
      ignore('role', `${record.t} is for ${rule.role}s; signer is a ${member.role}`)
      continue
    }
    const win: BlockWindow = w[rule.window]
    if (block < win.start || block > win.graceEnd) {
      const when = block < win.start ? 'before' : 'after'
      ignore(
        'window',
        `${record.t} at block ${block} is ${when} the ${rule.window} window [${win.start}, ${win.graceEnd}]`,
      )
      continue
    }
    const base = { uid: member.uid, hotkey, block, index }
    const duplicate = () => ignore('duplicate', `a ${record.t} from this signer already counted this round`)
    switch (record.t) {
      case 'delta-commit':
        if (deltaCommits.has(hotkey)) duplicate()
        else deltaCommits.set(hotkey, { ...base, hash: record.hash as Hex32 })
        break
      case 'weights-commit':
        if (weightCommits.has(hotkey)) duplicate()
        else weightCommits.set(hotkey, { ...base, hash: record.hash as Hex32 })
        break
      case 'delta-reveal': {
        if (deltaReveals.has(hotkey)) {
          duplicate()
          break
        }
        const commit = deltaCommits.get(hotkey)
        if (!commit) {
          ignore('no-commit', 'delta reveal without a counted commit this round')
          break
        }
        if (deltaCommitHash(signer, netuid, round, record.cid) !== commit.hash) {
          ignore('mismatch', 'revealed CID does not match the commit of this hotkey')
          break
        }
        const expected = params.expectedShard?.(member.uid)
        if (expected !== undefined && record.shard !== expected) {
          ignore('shard', `delta for shard ${record.shard}, but uid ${member.uid} trains shard ${expected} this round`)
          break
        }
        deltaReveals.set(hotkey, { ...base, shard: record.shard, cid: record.cid })
        break
      }
      case 'weights-reveal': {
        if (weightReveals.has(hotkey)) {
          duplicate()
          break
        }
        const commit = weightCommits.get(hotkey)
        if (!commit) {
          ignore('no-commit', 'weights reveal without a counted commit this round')
          break
        }
        const hash = weightsCommitHash({
          hotkey: signer,
          netuid,
          round,
          weights: record.weights,
          salt: record.salt,
          evalSeed: record.evalSeed,
        })
        if (hash !== commit.hash) {
          ignore('mismatch', 'revealed weights, salt and eval seed do not match the commit of this hotkey')
          break
        }
        weightReveals.set(hotkey, {
          ...base,
          weights: record.weights,
          salt: record.salt as Hex32,
          evalSeed: record.evalSeed as Hex32,
          reportCid: record.reportCid,
        })
        break
      }
    }
  }
  return {
    deltaCommits: byUid(deltaCommits),
    deltaReveals: byUid(deltaReveals),
    weightCommits: byUid(weightCommits),
    weightReveals: byUid(weightReveals),
    ignored,
  }
}

function byUid<T extends { uid: number }>(map: Map<string, T>): T[] {
  return [...map.values()].sort((a, b) => a.uid - b.uid)
}
