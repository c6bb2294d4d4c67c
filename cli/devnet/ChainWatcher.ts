import type { AnyTuple, CallBase } from '@polkadot/types/types'
import type { HexString } from '@polkadot/util/types'
import {
  asMultiCall,
  readPendingCalls,
  readRound,
  readSettledRounds,
  remarksOfBlock,
} from '../../chain/actions/index.ts'
import type { ChainClient } from '../../chain/client/index.ts'
import {
  accountId,
  collectRegistrations,
  collectRound,
  type Member,
  parseRecord,
  type RawRemark,
  type RoundSchedule,
} from '../../chain/protocol/index.ts'
import { decodeSettleCall } from '../../chain/settle/index.ts'
import type { PreviousSettlement, SeenAction } from './clockPolicy.ts'

/** The inputs of a `ChainWatcher`. */
export type ChainWatcherInit = {
  client: ChainClient
  /** The subnet; set later with `setSubnet` when it does not exist yet. */
  netuid?: number
  maxUids: number
  immunityBlocks: number
  /** The subnet document's validator hotkeys: only they may register as validators. */
  validatorSet?: ReadonlySet<string>
  /** The extrinsics waiting in the dev chain's pool (SCALE hex), e.g. `devchain.chain.txPool.pendingExtrinsics`. */
  pool: () => readonly HexString[]
}

/**
 * What the orchestrator reads from its own chain each tick: remarks of new blocks (scanned once),
 * the members they register, the round records they count, the round records waiting in the pool,
 * and the settled rounds. Everything is checked by the same rules the participants use.
 */
export class ChainWatcher {
  private readonly init: ChainWatcherInit
  private readonly remarks: RawRemark[] = []
  private scannedTo = -1
  private netuid: number
  private validatorSet: ReadonlySet<string> | undefined

  constructor(init: ChainWatcherInit) {
    this.init = init
    this.netuid = init.netuid ?? -1
    this.validatorSet = init.validatorSet
  }

  /** Names the subnet to watch, once it exists. */
  setSubnet(netuid: number, validatorSet?: ReadonlySet<string>): void {
    this.netuid = netuid
    this.validatorSet = validatorSet
  }

  /** Reads the blocks after the last one read, up to `head`. */
  async refresh(head: number): Promise<void> {
    if (head <= this.scannedTo) return
    const { remarks } = await readRound(this.init.client, { from: this.scannedTo + 1, to: head })
    this.remarks.push(...remarks)
    this.scannedTo = head
  }

  /** The registered participants by SS58 hotkey. */
  members(): Map<string, Member> {
    return collectRegistrations(this.remarks, {
      netuid: this.netuid,
      maxUids: this.init.maxUids,
      immunityBlocks: this.init.immunityBlocks,
      validatorSet: this.validatorSet,
    }).byHotkey
  }

  /** Round `round`'s counted records (commits, reveals) as the clock sees them. */
  included(schedule: RoundSchedule, round: number, members = this.members()): SeenAction[] {
    const w = schedule.forRound(round)
    const remarks = this.remarks.filter((r) => r.block >= w.firstBlock && r.block <= w.lastBlock)
    const c = collectRound({ netuid: this.netuid, round, remarks, members, windows: schedule })
    return [
      ...c.deltaCommits.map((e) => ({ type: 'delta-commit' as const, round, hotkey: e.hotkey })),
      ...c.deltaReveals.map((e) => ({ type: 'delta-reveal' as const, round, hotkey: e.hotkey })),
      ...c.weightCommits.map((e) => ({ type: 'weights-commit' as const, round, hotkey: e.hotkey })),
      ...c.weightReveals.map((e) => ({ type: 'weights-reveal' as const, round, hotkey: e.hotkey })),
    ]
  }

  /** Round `round`'s records that landed with success, counted or not (only type, round and signer matter). */
  attempted(schedule: RoundSchedule, round: number, members = this.members()): SeenAction[] {
    const w = schedule.forRound(round)
    const ids = new Map([...members.keys()].map((h) => [accountId(h), h]))
    const out: SeenAction[] = []
    for (const r of this.remarks) {
      if (r.block < w.firstBlock || r.block > w.lastBlock || !r.success) continue
      const parsed = parseRecord(r.text)
      if (!parsed.ok || parsed.record.t === 'register' || parsed.record.netuid !== this.netuid) continue
      if (parsed.record.round !== round) continue
      out.push({ type: parsed.record.t, round, hotkey: ids.get(accountId(r.signer)) ?? r.signer })
    }
    return out
  }

  /** The pool's size and the round records in it (signer and record only: they have no result yet). */
  pending(): { size: number; actions: SeenAction[] } {
    const hexes = this.init.pool()
    if (hexes.length === 0) return { size: 0, actions: [] }
    return { size: hexes.length, actions: pendingActions(this.init.client, hexes, this.netuid) }
  }

  /** How far round `round`'s settlement has come, on chain and in the pool (`settleProgress`). */
  settleProgress(round: number, multisig: SettleMultisig): ReturnType<typeof settleProgress> {
    return settleProgress(this.init.client, { netuid: this.netuid, round, multisig, pool: this.init.pool() })
  }

  /** Settled rounds with their ledger CIDs (uniques items of the subnet). */
  async settled(): Promise<Map<number, string>> {
    if (this.netuid < 0) return new Map()
    const { rounds } = await readSettledRounds(this.init.client, { netuid: this.netuid })
    return new Map(rounds.map((r) => [r.round, r.ledgerCid]))
  }
}

/** The treasury multisig that settles rounds: its address and the approvals it needs. */
export type SettleMultisig = { address: string; threshold: number }

/**
 * How far round `round`'s settlement has come: the multisig operations of its settle calls on chain
 * (with their approvals) and the `asMulti` approvals of those calls waiting in the pool.
 */
export async function settleProgress(
  client: ChainClient,
  p: { netuid: number; round: number; multisig: SettleMultisig; pool: readonly HexString[] },
): Promise<Omit<PreviousSettlement, 'round' | 'hadReveals'>> {
  const ofRound = (call: CallBase<AnyTuple>) => {
    try {
      const parts = decodeSettleCall(call)
      return parts.netuid === p.netuid && parts.round === p.round
    } catch {
      return false // another call of the multisig (a validator rotation)
    }
  }
  const id = (address: string) => accountId(address) ?? address
  const onChain = new Map<string, Set<string>>()
  for (const c of await readPendingCalls(client, { multisig: p.multisig.address, withCalls: true }))
    if (c.call && ofRound(c.call)) onChain.set(c.callHash, new Set(c.approvals.map(id)))
  const pooled = new Map<string, Set<string>>()
  for (const hex of p.pool) {
    try {
      const ext = client.api.createType('Extrinsic', hex)
      const call = asMultiCall(client.api, ext as unknown as { method: CallBase<AnyTuple> }, ofRound)
      if (!call) continue
      const hash = call.hash.toHex()
      pooled.set(hash, (pooled.get(hash) ?? new Set()).add(id(ext.signer.toString())))
    } catch {
      // Not ours to judge: the chain rejects it when it builds the block.
    }
  }
  // Approvals of one call reach the threshold; two first approvals in one block do not (the second needs the timepoint).
  const completes = (hash: string) =>
    (onChain.has(hash) || p.multisig.threshold === 1) &&
    new Set([...(onChain.get(hash) ?? []), ...(pooled.get(hash) ?? [])]).size >= p.multisig.threshold
  return {
    proposed: onChain.size > 0,
    proposalPending: [...pooled.keys()].some((h) => !onChain.has(h)),
    completing: [...new Set([...onChain.keys(), ...pooled.keys()])].some(completes),
  }
}

/** Decodes pool extrinsics and keeps the crowdtrain round records of `netuid` in them; undecodable ones are skipped. */
export function pendingActions(client: ChainClient, hexes: readonly HexString[], netuid: number): SeenAction[] {
  const extrinsics = []
  for (const hex of hexes) {
    try {
      extrinsics.push(client.api.createType('Extrinsic', hex))
    } catch {
      // Not ours to judge: the chain rejects it when it builds the block.
    }
  }
  const block = { number: 0, hash: '0x', extrinsics, events: [] } as unknown as Parameters<typeof remarksOfBlock>[0]
  const out: SeenAction[] = []
  for (const remark of remarksOfBlock(block, false)) {
    const parsed = parseRecord(remark.text)
    if (!parsed.ok || parsed.record.t === 'register' || parsed.record.netuid !== netuid) continue
    out.push({ type: parsed.record.t, round: parsed.record.round, hotkey: remark.signer })
  }
  return out
}
