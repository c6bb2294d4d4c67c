import type { KeyringPair } from '@polkadot/keyring/types'
import type { ChainClient } from '../client/index.ts'
import { encodeRecord } from '../protocol/index.ts'

/** The inputs of `register`. */
export type RegisterParameters = {
  signer: KeyringPair
  netuid: number
  role: 'miner' | 'validator'
  /** libp2p addresses where peers reach this participant. */
  multiaddrs: string[]
  /** Validators only: the account whose balance is their stake (default: the hotkey). */
  stakeAccount?: string
  /** The subnet's treasury, which receives the fee. */
  treasury: string
  /** Registration fee in native planck (the subnet document's); 0 sends the remark alone. */
  fee: bigint
  signal?: AbortSignal
}

/** Where the registration landed. */
export type RegisterReturnType = { block: number; index: number }

/**
 * Registers a hotkey: the fee transfer to the treasury and the `register` remark in one
 * `utility.batchAll`, so the record exists only if the fee was paid (a failed batch reverts both,
 * and readers ignore its remark). Throws `InsufficientFundsError` when the fee cannot be paid.
 */
export async function register(client: ChainClient, p: RegisterParameters): Promise<RegisterReturnType> {
  const { api } = client
  const record = {
    v: 1,
    t: 'register',
    netuid: p.netuid,
    role: p.role,
    multiaddrs: p.multiaddrs,
    ...(p.stakeAccount ? { stakeAccount: p.stakeAccount } : {}),
  } as const
  const calls = [api.tx.system.remark(encodeRecord(record)).method]
  if (p.fee > 0n) calls.unshift(api.tx.balances.transferKeepAlive(p.treasury, p.fee).method)
  const res = await client.submit(api.tx.utility.batchAll(calls), p.signer, { signal: p.signal })
  return { block: res.blockNumber, index: res.index }
}
