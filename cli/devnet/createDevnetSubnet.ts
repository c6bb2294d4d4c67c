import type { KeyringPair } from '@polkadot/keyring/types'
import type { ChainClient } from '../../chain/client/index.ts'
import { MAX_LEDGER_BYTES, parseLedger } from '../../chain/ledger/index.ts'
import { createNetworkSubnet } from '../../chain/subnet/index.ts'
import type { CrowdtrainConfig } from '../../shared/config/index.ts'
import type { Logger } from '../../shared/logger/index.ts'
import type { Storage } from '../../shared/storage/index.ts'
import type { LedgerView } from './summarizeRound.ts'

/** The netuid of the devnet's subnet (its chain is fresh every run). */
export const DEVNET_NETUID = 1

/** The inputs of `createDevnetSubnet`. */
export type CreateDevnetSubnetParameters = {
  client: ChainClient
  /** The subnet owner (dev account Alice). */
  owner: KeyringPair
  /** The owner's node: it serves the subnet document and the genesis checkpoint. */
  storage: Storage
  config: CrowdtrainConfig
  /** Validator hotkeys (each its own stake account). */
  validators: readonly string[]
  /** Participants that will register: round 0 opens after room for one block each. */
  participants: number
  logger: Logger
}

/** What the devnet needs to know of its subnet. */
export type DevnetSubnet = { netuid: number; genesisBlock: number; validators: string[]; threshold: number }

/** Creates the devnet's subnet (`createNetworkSubnet`): genesis checkpoint and document on IPFS, then chain. */
export async function createDevnetSubnet(p: CreateDevnetSubnetParameters): Promise<DevnetSubnet> {
  const out = await createNetworkSubnet({
    client: p.client,
    storage: p.storage,
    owner: p.owner,
    validators: p.validators.map((hotkey) => ({ hotkey, stakeAccount: hotkey })),
    config: p.config,
    netuid: DEVNET_NETUID,
    name: 'devnet',
    // Before everyone has registered, only transactions make blocks: one per registration at most.
    genesisDelay: p.participants + 3,
    logger: p.logger,
  })
  return {
    netuid: out.netuid,
    genesisBlock: out.genesisBlock,
    validators: out.document.validators.map((v) => v.hotkey),
    threshold: out.document.threshold,
  }
}

/** Fetches a round ledger from IPFS (size-capped) and parses it strictly (`parseLedger`). */
export async function loadDevnetLedger(storage: Storage, cid: string): Promise<LedgerView> {
  const bytes = await storage.get(cid, { maxBytes: MAX_LEDGER_BYTES, timeoutMs: 60_000 })
  return parseLedger(bytes)
}
