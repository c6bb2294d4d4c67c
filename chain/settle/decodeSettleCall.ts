import type { AnyTuple, CallBase, Codec } from '@polkadot/types/types'
import { u8aToString } from '@polkadot/util'
import { encodeAddress } from '@polkadot/util-crypto'
import { SS58_PREFIX } from '../../shared/keys/index.ts'
import { InvalidSettleCallError } from '../errors.ts'
import type { Payout } from './buildSettleCall.ts'

/** A decoded call of any pallet. */
type Call = CallBase<AnyTuple>

/** What a settle call does, read back from its bytes. */
export type SettleCallParts = {
  treasury: string
  netuid: number
  round: number
  ledgerCid: string
  /** Undefined when nothing is minted (no payouts). */
  assetId: number | undefined
  total: bigint
  /** In the call's order. */
  approvals: Payout[]
}

const num = (c: Codec) => Number((c as unknown as { toBigInt?: () => bigint }).toBigInt?.() ?? c.toString())
const big = (c: Codec) => BigInt(c.toString())
const addr = (c: Codec) => {
  const json = c.toJSON() as unknown
  const id = typeof json === 'object' && json !== null && 'id' in json ? (json as { id: string }).id : String(json)
  return encodeAddress(id, SS58_PREFIX)
}

/** Decodes a `proxy.proxy(treasury, _, batchAll([uniques.mint, uniques.setMetadata, ...]))` call. */
export function decodeSettleCall(call: Call): SettleCallParts {
  if (call.section !== 'proxy' || call.method !== 'proxy')
    throw new InvalidSettleCallError(`outer call is ${call.section}.${call.method}`)
  const treasury = addr(call.args[0])
  const batch = call.args[2] as unknown as Call
  if (batch.section !== 'utility' || batch.method !== 'batchAll')
    throw new InvalidSettleCallError(`inner call is ${batch.section}.${batch.method}`)
  const calls = [...(batch.args[0] as unknown as Call[])]
  const [mint, meta, ...rest] = calls
  if (mint?.section !== 'uniques' || mint.method !== 'mint')
    throw new InvalidSettleCallError('first call is not uniques.mint')
  if (meta?.section !== 'uniques' || meta.method !== 'setMetadata') {
    throw new InvalidSettleCallError('second call is not uniques.setMetadata')
  }
  const parts: SettleCallParts = {
    treasury,
    netuid: num(mint.args[0]),
    round: num(mint.args[1]),
    ledgerCid: u8aToString(meta.args[2].toU8a(true)),
    assetId: undefined,
    total: 0n,
    approvals: [],
  }
  for (const c of rest) {
    const id = num(c.args[0])
    if (parts.assetId !== undefined && parts.assetId !== id) throw new InvalidSettleCallError('calls for two asset ids')
    parts.assetId = id
    if (c.section === 'assets' && c.method === 'mint') parts.total += big(c.args[2])
    else if (c.section === 'assets' && c.method === 'approveTransfer')
      parts.approvals.push({ address: addr(c.args[1]), amount: big(c.args[2]) })
    else throw new InvalidSettleCallError(`unexpected ${c.section}.${c.method} in the batch`)
  }
  return parts
}
