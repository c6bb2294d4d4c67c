import type { KeyringPair } from '@polkadot/keyring/types'
import type { ChainClient } from '../client/index.ts'
import { buildRotationCall, multisigAddress } from '../settle/index.ts'
import { type TreasuryCallReturnType, treasuryCall } from './treasuryCall.ts'

/** The inputs of `rotateValidators`. */
export type RotateValidatorsParameters = {
  signer: KeyringPair
  treasury: string
  /** The current validators and threshold (they approve). */
  signatories: readonly string[]
  threshold: number
  /** The new validator set and threshold. */
  newSignatories: readonly string[]
  newThreshold: number
  signal?: AbortSignal
}

/** What this approval did, and the new controller. */
export type RotateValidatorsReturnType = TreasuryCallReturnType & { newMultisig: string }

/**
 * One old validator's approval of a rotation (design §5): once k old validators approve, the new
 * multisig controls the treasury and the old one no longer does; the treasury address is kept.
 */
export async function rotateValidators(
  client: ChainClient,
  p: RotateValidatorsParameters,
): Promise<RotateValidatorsReturnType> {
  const oldController = multisigAddress(p.signatories, p.threshold)
  const newMultisig = multisigAddress(p.newSignatories, p.newThreshold)
  const call = buildRotationCall({ api: client.api, treasury: p.treasury, oldController, newController: newMultisig })
  const res = await treasuryCall(client, {
    signer: p.signer,
    signatories: p.signatories,
    threshold: p.threshold,
    call,
    signal: p.signal,
  })
  return { ...res, newMultisig }
}
