import type { ApiPromise } from '@polkadot/api'
import type { KeyringPair } from '@polkadot/keyring/types'
import type { DispatchResult, EventRecord } from '@polkadot/types/interfaces'
import type { AnyTuple, CallBase } from '@polkadot/types/types'
import { buildAsMulti, type ChainClient, callWeight, decodeDispatchError, findEvent } from '../client/index.ts'
import { TreasuryCallFailedError } from '../errors.ts'
import { accountHex, multisigAddress, otherSignatories } from '../settle/index.ts'
import { readPendingCalls } from './readPendingCalls.ts'

/** The inputs of `treasuryCall`. */
export type TreasuryCallParameters = {
  signer: KeyringPair
  /** Every signatory of the multisig (the signer among them). */
  signatories: readonly string[]
  threshold: number
  /** The call the multisig dispatches, e.g. `proxy.proxy(treasury, None, ...)`. */
  call: CallBase<AnyTuple>
  signal?: AbortSignal
}

/** What this approval did. */
export type TreasuryCallReturnType = {
  /** `proposed`: first approval; `approved`: another one; `executed`: the last one ran the call. */
  status: 'proposed' | 'approved' | 'executed' | 'already-approved'
  callHash: string
  multisig: string
  /** Approvals counted after this one. */
  approvals: number
  block?: number
}

/**
 * Adds the signer's approval to a multisig operation and, when it is the last one needed, executes
 * it with a `maxWeight` read from the chain. After execution the inner result is checked: the
 * multisig reports success even when the proxied call failed, so only `ProxyExecuted` tells
 * (design §6); a failure throws `TreasuryCallFailedError` named after the inner error.
 */
export async function treasuryCall(client: ChainClient, p: TreasuryCallParameters): Promise<TreasuryCallReturnType> {
  const { api } = client
  const multisig = multisigAddress(p.signatories, p.threshold)
  const callHash = p.call.hash.toHex()
  const others = otherSignatories(p.signatories, p.signer.address)
  const pending = (await readPendingCalls(client, { multisig })).find((c) => c.callHash === callHash)
  const me = accountHex(p.signer.address)
  if (pending?.approvals.some((a) => accountHex(a) === me)) {
    return { status: 'already-approved', callHash, multisig, approvals: pending.approvals.length }
  }
  const count = (pending?.approvals.length ?? 0) + 1
  const executes = count >= p.threshold
  // Every approval carries the call's weight: another approval can land between the read above and
  // this one, making it the executing one, which a zero bound fails (MaxWeightTooLow).
  const maxWeight = await callWeight(api, p.call, multisig)
  const tx =
    p.threshold === 1
      ? api.tx.multisig.asMultiThreshold1(others, p.call)
      : buildAsMulti(api, {
          threshold: p.threshold,
          otherSignatories: others,
          timepoint: pending?.timepoint ?? null,
          call: p.call as never,
          maxWeight,
        })
  const res = await client.submit(tx, p.signer, { signal: p.signal })
  if (executes) {
    const ran = findEvent(res.events, 'multisig', 'MultisigExecuted')
    const result = ran?.event.data[ran.event.data.length - 1] as DispatchResult | undefined
    if (result?.isErr) {
      const e = decodeDispatchError(api, result.asErr)
      throw new TreasuryCallFailedError(e.name, e.docs)
    }
    checkProxyExecuted(api, res.events)
  }
  const status = executes ? 'executed' : pending ? 'approved' : 'proposed'
  client.logger.debug('multisig approval', { status, callHash, block: res.blockNumber })
  return { status, callHash, multisig, approvals: count, block: res.blockNumber }
}

/** Throws `TreasuryCallFailedError` when a `proxy.ProxyExecuted` event carries an error. */
export function checkProxyExecuted(api: ApiPromise, events: readonly EventRecord[]): void {
  const ev = findEvent(events, 'proxy', 'ProxyExecuted')
  if (!ev) throw new TreasuryCallFailedError('proxy.NoProxyExecuted', 'the proxied call did not run')
  const result = ev.event.data[0] as DispatchResult
  if (result.isErr) {
    const e = decodeDispatchError(api, result.asErr)
    throw new TreasuryCallFailedError(e.name, e.docs)
  }
}
