import type { ChainClient } from '../chain/client/index.ts'
import type { RoundSchedule } from '../chain/protocol/index.ts'
import { loadSubnet, roundBase } from '../chain/subnet/index.ts'
import type { CrowdtrainConfig } from '../shared/config/index.ts'
import type { Storage } from '../shared/storage/index.ts'

/** What the validator needs of a subnet: its document, accounts and round clock. */
export type SubnetView = {
  netuid: number
  documentCid: string
  config: CrowdtrainConfig
  genesisBlock: number
  genesisCheckpoint: string
  validators: { hotkey: string; stakeAccount: string }[]
  threshold: number
  /** Receives the owner's cut of each round (the document's `owner`). */
  owner: string
  treasury: string
  assetId: number
  registrationFee: bigint
  schedule: RoundSchedule
}

/**
 * The subnet as the validator sees it: anchors from chain state, the document from IPFS parsed
 * strictly and checked against the state (`loadSubnet`). Throws `SubnetNotFoundError`,
 * a storage error, or the document's parse/mismatch error.
 */
export async function loadSubnetView(
  client: ChainClient,
  storage: Pick<Storage, 'get'>,
  p: { netuid: number; timeoutMs: number; signal?: AbortSignal },
): Promise<SubnetView> {
  const s = await loadSubnet(client, storage, p.netuid, { timeoutMs: p.timeoutMs, signal: p.signal })
  return {
    netuid: p.netuid,
    documentCid: s.documentCid,
    config: s.config,
    genesisBlock: s.genesisBlock,
    genesisCheckpoint: s.genesisCheckpoint,
    validators: s.document.validators,
    threshold: s.document.threshold,
    owner: s.document.owner,
    treasury: s.treasury,
    assetId: s.assetId,
    registrationFee: BigInt(s.document.registrationFee),
    schedule: s.schedule,
  }
}

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
