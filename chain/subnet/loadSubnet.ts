import type { CrowdtrainConfig } from '../../shared/config/index.ts'
import type { Storage } from '../../shared/storage/index.ts'
import { readSubnet } from '../actions/index.ts'
import type { ChainClient } from '../client/index.ts'
import { accountId, type RoundSchedule, scheduleFromConfig } from '../protocol/index.ts'
import { MAX_SUBNET_DOCUMENT_BYTES, parseSubnetDocument, type SubnetDocument } from './document.ts'
import { SubnetDocumentMismatchError } from './errors.ts'

/** A subnet as every participant sees it: its document, its chain anchors, and its round clock. */
export type LoadedSubnet = {
  netuid: number
  documentCid: string
  document: SubnetDocument
  config: CrowdtrainConfig
  treasury: string
  assetId: number
  /** Accounts that may act as the treasury (the validators' multisig), from chain state. */
  controllers: string[]
  genesisBlock: number
  genesisCheckpoint: string
  schedule: RoundSchedule
}

/**
 * Reads subnet `netuid`: its anchors from chain state (`readSubnet`), its document from storage
 * (size cap, strict parse), checked against the state (netuid, treasury, asset), and the round clock
 * `scheduleFromConfig(config.round, genesisBlock)`.
 */
export async function loadSubnet(
  client: ChainClient,
  storage: Pick<Storage, 'get'>,
  netuid: number,
  opts: { timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<LoadedSubnet> {
  const onChain = await readSubnet(client, { netuid })
  const bytes = await storage.get(onChain.documentCid, {
    maxBytes: MAX_SUBNET_DOCUMENT_BYTES,
    timeoutMs: opts.timeoutMs ?? 60_000,
    signal: opts.signal,
  })
  const document = parseSubnetDocument(bytes)
  if (document.netuid !== netuid) throw new SubnetDocumentMismatchError(netuid, 'netuid', document.netuid, netuid)
  if (accountId(document.treasury) !== accountId(onChain.treasury)) {
    throw new SubnetDocumentMismatchError(netuid, 'the treasury', document.treasury, onChain.treasury)
  }
  if (document.assetId !== onChain.assetId) {
    throw new SubnetDocumentMismatchError(netuid, 'the asset id', document.assetId, onChain.assetId)
  }
  return {
    netuid,
    documentCid: onChain.documentCid,
    document,
    config: document.config,
    treasury: onChain.treasury,
    assetId: onChain.assetId,
    controllers: onChain.controllers,
    genesisBlock: document.genesisBlock,
    genesisCheckpoint: document.genesisCheckpoint,
    schedule: scheduleFromConfig(document.config.round, document.genesisBlock),
  }
}
