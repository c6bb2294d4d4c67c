import type { ApiPromise } from '@polkadot/api'
import type { DispatchError as PolkadotDispatchError } from '@polkadot/types/interfaces'
import { DispatchError, InsufficientFundsError } from '../errors.ts'

/** A dispatch error in words: `pallet.Error` (or the variant, e.g. `BadOrigin`) and its docs. */
export type DecodedError = { name: string; docs: string }

/** Decodes a runtime dispatch error; module errors become `section.Name` from the metadata. */
export function decodeDispatchError(api: ApiPromise, err: PolkadotDispatchError): DecodedError {
  if (err.isModule) {
    try {
      const meta = api.registry.findMetaError(err.asModule)
      return { name: `${meta.section}.${meta.name}`, docs: meta.docs.join(' ').trim() }
    } catch {
      return { name: `module.${err.asModule.index.toString()}.${err.asModule.error.toHex()}`, docs: '' }
    }
  }
  if (err.isToken) return { name: `Token.${err.asToken.type}`, docs: '' }
  if (err.isArithmetic) return { name: `Arithmetic.${err.asArithmetic.type}`, docs: '' }
  return { name: err.type, docs: '' }
}

const FUNDS_ERRORS = new Set([
  'balances.InsufficientBalance',
  'balances.KeepAlive',
  'balances.ExistentialDeposit',
  'Token.FundsUnavailable',
  'Token.NoFunds',
  'Token.BelowMinimum',
])

/** The typed error for a failed dispatch: funds problems get their own class. */
export function dispatchErrorToChainError(decoded: DecodedError, signer: string): Error {
  if (FUNDS_ERRORS.has(decoded.name)) return new InsufficientFundsError(signer, `this call (${decoded.name})`)
  return new DispatchError(decoded.name, decoded.docs, { signer })
}
