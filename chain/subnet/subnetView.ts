import type { CrowdtrainConfig } from '../../shared/config/index.ts'
import type { Storage } from '../../shared/storage/index.ts'
import type { ChainClient } from '../client/index.ts'
import type { RoundSchedule } from '../protocol/index.ts'
import { loadSubnet } from './loadSubnet.ts'

/** What a miner or validator needs of a subnet: its document, accounts and round clock. */
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
 * The subnet as a participant sees it: anchors from chain state, the document from IPFS parsed
 * strictly and checked against the state (`loadSubnet`). Throws `SubnetNotFoundError`,
 * a storage error, or the document's parse/mismatch error.
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
    threshold: s.document.threshold,
    owner: s.document.owner,
    treasury: s.treasury,
    assetId: s.assetId,
    registrationFee: BigInt(s.document.registrationFee),
    schedule: s.schedule,
  }
}
