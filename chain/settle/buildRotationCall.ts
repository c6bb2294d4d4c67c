import type { ApiPromise } from '@polkadot/api'
import type { AnyTuple, CallBase } from '@polkadot/types/types'

/** A decoded call of any pallet. */
type Call = CallBase<AnyTuple>
/** The inputs of `buildRotationCall`. */
export type BuildRotationCallParameters = {
  api: ApiPromise
  treasury: string
  /** The multisig handing over control. */
  oldController: string
  /** The new validators' multisig. */
  newController: string
}

/**
 * Validator rotation (design §5): as the treasury, add the new multisig as its `Any` proxy and
 * remove the old one, atomically. The treasury address, its asset and its class stay the same.
 */
export function buildRotationCall(p: BuildRotationCallParameters): Call {
  const { api } = p
  const batch = api.tx.utility.batchAll([
    api.tx.proxy.addProxy(p.newController, 'Any', 0).method,
    api.tx.proxy.removeProxy(p.oldController, 'Any', 0).method,
  ])
  return api.tx.proxy.proxy(p.treasury, null, batch).method
}
