import type { GenericExtrinsic } from '@polkadot/types'
import type { EventRecord } from '@polkadot/types/interfaces'
import type { Codec } from '@polkadot/types/types'
import { encodeAddress } from '@polkadot/util-crypto'
import { SS58_PREFIX } from '../../shared/keys/index.ts'
import type { ChainClient } from '../client/index.ts'
import {
  collectRegistrations,
  type IgnoredRemark,
  type Member,
  parseRecord,
  type RawRemark,
} from '../protocol/index.ts'
import { readBalances } from './readBalances.ts'
import { remarksOfBlock } from './readRound.ts'
import { readSubnet } from './readSubnet.ts'
import { eventsOf, scanBlocks } from './scanBlocks.ts'

const addr = (c: Codec) => encodeAddress(c.toU8a(), SS58_PREFIX)

/**
 * The claims (`assets.transferApproved` from `treasury`) one extrinsic made, as [claimer, amount].
 * Newer pallet-assets emit `TransferredApproved`; the runtime `chain start` forks (and older ones) emit
 * only `Transferred`, so without a `TransferredApproved` the `Transferred` events of a transferApproved
 * call count instead (never both, so a runtime emitting both is not counted twice).
 */
function claimsOf(xt: GenericExtrinsic, events: readonly EventRecord[], assetId: number, treasury: string) {
  const out: [string, bigint][] = []
  const ofAsset = (e: EventRecord['event']) => e.section === 'assets' && Number(e.data[0].toString()) === assetId
  for (const { event: e } of events) {
    if (!ofAsset(e) || e.method !== 'TransferredApproved') continue
    const [, owner, delegate, , amount] = e.data
    if (addr(owner) === treasury) out.push([addr(delegate), BigInt(amount.toString())])
  }
  if (out.length > 0 || xt.method.section !== 'assets' || xt.method.method !== 'transferApproved') return out
  for (const { event: e } of events) {
    if (!ofAsset(e) || e.method !== 'Transferred') continue
    const [, from, to, amount] = e.data
    if (addr(from) === treasury) out.push([addr(to), BigInt(amount.toString())])
  }
  return out
}

/** The inputs of `readMetagraph`. */
export type ReadMetagraphParameters = {
  netuid: number
  maxUids: number
  immunityBlocks: number
  /** First block to scan for registrations (default 0; a later one with `prior`). */
  fromBlock?: number
  toBlock?: number
  prior?: readonly Member[]
  /** Incentive / dividends per uid from the last round ledger (I32F32 or any ordered unit). */
  consensus?: ReadonlyMap<number, { incentive: bigint; dividends: bigint }>
  validatorSet?: ReadonlySet<string>
  signal?: AbortSignal
}

/** One metagraph row. */
export type MetagraphRow = Member & {
  /** Native balance of the stake account (validators), else 0. */
  stake: bigint
  /** Last round this hotkey revealed (delta or weights) in the scanned blocks. */
  lastRevealRound: number | undefined
  incentive: bigint | undefined
  dividends: bigint | undefined
  /** Approved by settlements and not yet claimed. */
  approved: bigint
  /** Claimed (`assets.transferApproved` from this subnet's treasury) in the scanned blocks. */
  claimed: bigint
}

/** The metagraph, the range scanned and what was ignored. */
export type ReadMetagraphReturnType = { rows: MetagraphRow[]; ignored: IgnoredRemark[]; from: number; to: number }

/**
 * The metagraph of a subnet: registrations from the scanned blocks (on top of `prior`), stake and
 * unclaimed approvals from state, last reveal and claims from the same scan.
 */
export async function readMetagraph(client: ChainClient, p: ReadMetagraphParameters): Promise<ReadMetagraphReturnType> {
  const subnet = await readSubnet(client, { netuid: p.netuid })
  const remarks: RawRemark[] = []
  const claimed = new Map<string, bigint>()
  const lastReveal = new Map<string, number>()
  const treasury = subnet.treasury
  const { from, to } = await scanBlocks(
    client,
    { from: p.fromBlock ?? 0, to: p.toBlock, signal: p.signal },
    (block) => {
      remarks.push(...remarksOfBlock(block, false))
      block.extrinsics.forEach((xt, i) => {
        for (const [who, amount] of claimsOf(xt, eventsOf(block, i), subnet.assetId, treasury))
          claimed.set(who, (claimed.get(who) ?? 0n) + amount)
      })
    },
  )
  for (const r of remarks) {
    const parsed = r.success ? parseRecord(r.text) : undefined
    if (!parsed?.ok || parsed.record.netuid !== p.netuid) continue
    if (parsed.record.t === 'delta-reveal' || parsed.record.t === 'weights-reveal')
      lastReveal.set(r.signer, parsed.record.round)
  }
  const reg = collectRegistrations(remarks, {
    netuid: p.netuid,
    maxUids: p.maxUids,
    immunityBlocks: p.immunityBlocks,
    prior: p.prior,
    validatorSet: p.validatorSet,
  })
  const stakeAccounts = reg.members.filter((m) => m.stakeAccount).map((m) => m.stakeAccount as string)
  const stakes = await readBalances(client, { addresses: stakeAccounts })
  const balances = await readBalances(client, {
    addresses: reg.members.map((m) => m.hotkey),
    assetId: subnet.assetId,
    treasury,
  })
  const rows = reg.members.map((m) => ({
    ...m,
    stake: m.stakeAccount ? (stakes.get(m.stakeAccount)?.native ?? 0n) : 0n,
    lastRevealRound: lastReveal.get(m.hotkey),
    incentive: p.consensus?.get(m.uid)?.incentive,
    dividends: p.consensus?.get(m.uid)?.dividends,
    approved: balances.get(m.hotkey)?.approved ?? 0n,
    claimed: claimed.get(m.hotkey) ?? 0n,
  }))
  return { rows, ignored: reg.ignored, from, to }
}
