import type { ChainClient } from '../chain/index.ts'
import type { RoundSchedule } from '../chain/protocol/index.ts'
import { loadSubnet, roundBase } from '../chain/subnet/index.ts'
import type { CrowdtrainConfig } from '../shared/config/index.ts'
import type { Storage } from '../shared/storage/index.ts'

/** What the miner needs of a subnet: its document, accounts and round clock. */
export type SubnetView = {
  netuid: number
  documentCid: string
  config: CrowdtrainConfig
  genesisBlock: number
  genesisCheckpoint: string
  validators: { hotkey: string; stakeAccount: string }[]
  treasury: string
  assetId: number
  registrationFee: bigint
  schedule: RoundSchedule
}

/**
 * The subnet as the miner sees it (`loadSubnet`): anchors from chain state, the document from IPFS
 * parsed strictly and checked against the state. Throws `SubnetNotFoundError`, a storage error, or
 * the document's parse / mismatch error.
 */
export async function loadSubnetView(
  client: ChainClient,
  storage: Pick<Storage, 'get'>,
  p: { netuid: number; timeoutMs?: number; signal?: AbortSignal },
): Promise<SubnetView> {
  const s = await loadSubnet(client, storage, p.netuid, { timeoutMs: p.timeoutMs ?? 60_000, signal: p.signal })
  return {
    netuid: p.netuid,
    documentCid: s.documentCid,
    config: s.config,
    genesisBlock: s.genesisBlock,
    genesisCheckpoint: s.genesisCheckpoint,
    validators: s.document.validators,
    treasury: s.treasury,
    assetId: s.assetId,
    registrationFee: BigInt(s.document.registrationFee),
    schedule: s.schedule,
  }
}

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
