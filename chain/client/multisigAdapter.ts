import type { ApiPromise } from '@polkadot/api'
import type { AnyTuple, CallBase } from '@polkadot/types/types'

import { sortAddresses } from '@polkadot/util-crypto'
import { SS58_PREFIX } from '../../shared/keys/index.ts'
import { UnsupportedRuntimeError } from '../errors.ts'
import type { Tx } from './submit.ts'

/** A decoded call of any pallet. */
type Call = CallBase<AnyTuple>

/** A call weight in both forms: old runtimes take `refTime` alone as a u64. */
export type CallWeight = { refTime: bigint; proofSize: bigint }

/** Where a pending multisig operation was opened (block height and extrinsic index). */
export type Timepoint = { height: number; index: number }

/** The inputs of `buildAsMulti`. */
export type BuildAsMultiParameters = {
  threshold: number
  /** Every signatory except the sender, any order (sorted here as the pallet requires). */
  otherSignatories: readonly string[]
  /** Null for the first approval, then the operation's timepoint. */
  timepoint: Timepoint | null
  call: Call
  /** Upper bound on the call's weight; only checked by the approval that executes. */
  maxWeight: CallWeight
}

/**
 * `multisig.asMulti` built from the chain's own metadata (design §5, runtimes differ): this dev
 * runtime takes `storeCall` and a u64 weight, current runtimes no `storeCall` and a Weight V2.
 */
export function buildAsMulti(api: ApiPromise, p: BuildAsMultiParameters): Tx {
  const fn = api.tx.multisig?.asMulti
  if (!fn) throw new UnsupportedRuntimeError('multisig.asMulti')
  const others = sortAddresses([...p.otherSignatories], SS58_PREFIX)
  const args = fn.meta.args.map((arg) => {
    const name = arg.name.toString()
    const type = arg.type.toString()
    switch (name) {
      case 'threshold':
        return p.threshold
      case 'otherSignatories':
        return others
      case 'maybeTimepoint':
        return p.timepoint
      case 'call':
        return p.call
      case 'storeCall':
        // Storing the call costs a deposit per byte; approvers read it from the proposing extrinsic.
        return false
      case 'maxWeight':
        return type === 'u64' || type === 'Weight' ? p.maxWeight.refTime : p.maxWeight
      default:
        throw new UnsupportedRuntimeError(`multisig.asMulti with an argument "${name}: ${type}"`)
    }
  })
  return (fn as unknown as (...a: unknown[]) => Tx)(...args)
}

/** The dispatch weight of `call`, as the runtime reports it for fees (either weight form). */
export async function callWeight(api: ApiPromise, call: Call, from: string): Promise<CallWeight> {
  const info = await api.tx(call as unknown as Parameters<ApiPromise['tx']>[0]).paymentInfo(from)
  const w = info.weight as unknown as {
    refTime?: { toBigInt(): bigint }
    proofSize?: { toBigInt(): bigint }
    toBigInt?: () => bigint
  }
  if (w.refTime) return { refTime: w.refTime.toBigInt(), proofSize: w.proofSize?.toBigInt() ?? 0n }
  return { refTime: (w as { toBigInt(): bigint }).toBigInt(), proofSize: 0n }
}
