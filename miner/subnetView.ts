import type { ChainClient } from '../chain/index.ts'
import { roundBase, type SubnetView } from '../chain/subnet/index.ts'
import type { Storage } from '../shared/storage/index.ts'

export { loadSubnetView, type SubnetView } from '../chain/subnet/index.ts'

/** The base checkpoint of a round, by the rule miners and validators share (`roundBase`). */
export async function baseCheckpoint(
  client: ChainClient,
  storage: Pick<Storage, 'get'>,
  view: SubnetView,
  p: { round: number; atBlockHash: string; timeoutMs?: number; signal?: AbortSignal },
): Promise<{ cid: string; settledRound: number | null; settled: number[] }> {
  return roundBase(client, storage, {
    netuid: view.netuid,
    genesisCheckpoint: view.genesisCheckpoint,
    round: p.round,
    atBlockHash: p.atBlockHash,
    timeoutMs: p.timeoutMs ?? 60_000,
    signal: p.signal,
  })
}
