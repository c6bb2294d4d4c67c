import type { ChainClient } from '../chain/client/index.ts'
import { roundBase, type SubnetView } from '../chain/subnet/index.ts'
import type { Storage } from '../shared/storage/index.ts'

export { loadSubnetView, type SubnetView } from '../chain/subnet/index.ts'

/** The client reading state as of one block (state queries only; pruned state fails). */
export async function clientAt(client: ChainClient, blockHash: string): Promise<ChainClient> {
  return { ...client, api: (await client.api.at(blockHash)) as unknown as ChainClient['api'] }
}

/** The hash of a block by number. */
export async function blockHash(client: ChainClient, block: number): Promise<string> {
  return (await client.api.rpc.chain.getBlockHash(block)).toHex()
}

/** The base checkpoint allowed for a round, by the rule miners and validators share (`roundBase`). */
export async function allowedBase(
  client: ChainClient,
  storage: Pick<Storage, 'get'>,
  view: SubnetView,
  p: { round: number; timeoutMs: number; signal?: AbortSignal },
): Promise<{ cid: string; settledRound: number | null; ledgerCid: string | null }> {
  return roundBase(client, storage, {
    netuid: view.netuid,
    genesisCheckpoint: view.genesisCheckpoint,
    round: p.round,
    atBlockHash: await blockHash(client, view.schedule.forRound(p.round).firstBlock),
    timeoutMs: p.timeoutMs,
    signal: p.signal,
  })
}
