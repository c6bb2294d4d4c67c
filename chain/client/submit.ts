import type { ApiPromise } from '@polkadot/api'
import type { SubmittableExtrinsic } from '@polkadot/api/types'
import type { KeyringPair } from '@polkadot/keyring/types'
import type { EventRecord } from '@polkadot/types/interfaces'
import type { ISubmittableResult } from '@polkadot/types/types'
import type { Logger } from '../../shared/logger/index.ts'
import { InsufficientFundsError, TransactionRejectedError } from '../errors.ts'
import { decodeDispatchError, dispatchErrorToChainError } from './decodeError.ts'
import type { NonceTracker } from './nonceTracker.ts'

/** A transaction built by an action. */
export type Tx = SubmittableExtrinsic<'promise'>

/** Where a transaction landed and what it emitted. */
export type SubmitResult = {
  blockHash: string
  blockNumber: number
  /** Extrinsic index in the block. */
  index: number
  /** The events of this extrinsic only. */
  events: EventRecord[]
}

/** Options of `submit`. */
export type SubmitOptions = { signal?: AbortSignal }

type SubmitDeps = { api: ApiPromise; nonces: NonceTracker; logger: Logger; signOptions?: Record<string, unknown> }

/**
 * Signs with the tracked nonce, sends, and resolves once the transaction is in a block (Chopsticks
 * finalizes every block it builds). A failed dispatch throws a typed error named after the module
 * error; a refusal by the pool throws `InsufficientFundsError` or `TransactionRejectedError`.
 * A stale nonce (the pool says outdated / too low) is retried once with a fresh one.
 */
export async function submit(
  deps: SubmitDeps,
  tx: Tx,
  signer: KeyringPair,
  opts: SubmitOptions = {},
): Promise<SubmitResult> {
  try {
    return await submitOnce(deps, tx, signer, opts)
  } catch (err) {
    if (!(err instanceof TransactionRejectedError) || !/outdated|too low|stale/i.test(err.message)) throw err
    deps.logger.debug('nonce was stale; retrying once', { signer: signer.address })
    return submitOnce(deps, tx, signer, opts)
  }
}

async function submitOnce(deps: SubmitDeps, tx: Tx, signer: KeyringPair, opts: SubmitOptions): Promise<SubmitResult> {
  const { api, nonces } = deps
  opts.signal?.throwIfAborted()
  const nonce = await nonces.next(signer.address)
  const included = await new Promise<ISubmittableResult>((resolve, reject) => {
    let unsub: (() => void) | undefined
    let done = false
    const finish = (fn: () => void) => {
      if (done) return
      done = true
      unsub?.()
      opts.signal?.removeEventListener('abort', onAbort)
      fn()
    }
    const onAbort = () => finish(() => reject(opts.signal?.reason))
    opts.signal?.addEventListener('abort', onAbort, { once: true })
    tx.signAndSend(signer, { ...deps.signOptions, nonce }, (result) => {
      const s = result.status
      if (s.isInBlock || s.isFinalized) finish(() => resolve(result))
      else if (s.isInvalid || s.isDropped || s.isUsurped) {
        nonces.reset(signer.address)
        finish(() => reject(new TransactionRejectedError(s.type)))
      }
    })
      .then((u) => {
        unsub = u
        if (done) u()
      })
      .catch((err: unknown) => {
        nonces.reset(signer.address)
        finish(() => reject(rejectionError(err, signer.address)))
      })
  })
  const blockHash = (included.status.isInBlock ? included.status.asInBlock : included.status.asFinalized).toHex()
  const header = await api.rpc.chain.getHeader(blockHash)
  const result: SubmitResult = {
    blockHash,
    blockNumber: header.number.toNumber(),
    index: included.txIndex ?? 0,
    events: included.events,
  }
  if (included.dispatchError) {
    throw dispatchErrorToChainError(decodeDispatchError(api, included.dispatchError), signer.address)
  }
  return result
}

function rejectionError(err: unknown, signer: string): Error {
  const message = err instanceof Error ? err.message : String(err)
  if (/pay some fees|balance too low|Inability to pay|"payment"/i.test(message)) {
    return new InsufficientFundsError(signer, 'the transaction fee', err)
  }
  return new TransactionRejectedError(message, err)
}
