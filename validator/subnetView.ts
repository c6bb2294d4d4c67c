import { blockHash, type ChainClient } from '../chain/client/index.ts'
import { roundBase, type SubnetView } from '../chain/subnet/index.ts'
import type { Storage } from '../shared/storage/index.ts'

export { blockHash, clientAt } from '../chain/client/index.ts'
export { loadSubnetView, type SubnetView } from '../chain/subnet/index.ts'

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
    atBlockHash: await blockHash(client, view.schedule.forRound(p.round).trainBlock),
    timeoutMs: p.timeoutMs,
    signal: p.signal,
  })
}
