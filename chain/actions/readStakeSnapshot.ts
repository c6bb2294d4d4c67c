import { blockHash, type ChainClient, clientAt } from '../client/index.ts'
import type { Member } from '../protocol/index.ts'
import { readBalances } from './readBalances.ts'

/**
 * Stake of each validator in `members`: the native balance of its declared stake account (else its
 * hotkey) in the state of block `block` — a round's first block — by uid. Every validator reads the
 * same number whenever it settles; the ledger carries it, and `checkpoint verify` reads it again.
 */
export async function readStakeSnapshot(
  client: ChainClient,
  p: { block: number; members: readonly Member[] },
): Promise<Map<number, bigint>> {
  const state = await clientAt(client, await blockHash(client, p.block))
  const validators = p.members.filter((m) => m.role === 'validator')
  const accounts = validators.map((m) => m.stakeAccount ?? m.hotkey)
  const balances = await readBalances(state, { addresses: accounts })
  return new Map(validators.map((m, i) => [m.uid, balances.get(accounts[i])?.native ?? 0n]))
}
