import { blockHash, type ChainClient } from '../chain/client/index.ts'
import { roundBase, type SubnetView } from '../chain/subnet/index.ts'
import type { Storage } from '../shared/storage/index.ts'

export { blockHash, clientAt } from '../chain/client/index.ts'
export { loadSubnetView, type SubnetView } from '../chain/subnet/index.ts'

/** The base checkpoint allowed for a round, by the rule miners and validators share (`roundBase`). */
/**
 * Where round r's deltas are scored (docs/network.md "Pipelined rounds"): sequential rounds, at
 * their base; pipelined rounds, at the newest checkpoint settled by the end of the round's reveals
 * — the one its settlement steps from, and the one the miners' eager start aims at — so a delta is
 * judged by the step the checkpoint will take. Every validator reads the same block.
 */
export async function scoringBase(
  client: ChainClient,
  storage: Pick<Storage, 'get'>,
  view: SubnetView,
  p: { round: number; timeoutMs: number; signal?: AbortSignal },
): Promise<{ cid: string; settledRound: number | null }> {
  if (view.config.round.staleness === 0) return allowedBase(client, storage, view, p)
  return roundBase(client, storage, {
    netuid: view.netuid,
    genesisCheckpoint: view.genesisCheckpoint,
    round: p.round,
    atBlockHash: await blockHash(client, view.schedule.forRound(p.round).reveal.graceEnd),
    timeoutMs: p.timeoutMs,
    signal: p.signal,
  })
}

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
