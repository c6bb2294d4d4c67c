import { createKeyMulti, decodeAddress, encodeAddress, sortAddresses } from '@polkadot/util-crypto'
import { SS58_PREFIX } from '../../shared/keys/index.ts'

/** The address of the `threshold`-of-n multisig of `signatories` (order does not matter). */
export function multisigAddress(signatories: readonly string[], threshold: number): string {
  return encodeAddress(createKeyMulti([...signatories], threshold), SS58_PREFIX)
}

/** `signatories` without `me`, sorted as `multisig` requires. */
export function otherSignatories(signatories: readonly string[], me: string): string[] {
  const mine = accountHex(me)
  return sortAddresses(
    signatories.filter((s) => accountHex(s) !== mine),
    SS58_PREFIX,
  )
}

/** The public key of an SS58 address as hex: the form to compare and sort accounts by. */
export function accountHex(address: string): string {
  return Buffer.from(decodeAddress(address)).toString('hex')
}
