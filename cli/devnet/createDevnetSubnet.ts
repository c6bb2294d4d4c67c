import type { KeyringPair } from '@polkadot/keyring/types'
import type { ChainClient } from '../../chain/client/index.ts'
import { MAX_LEDGER_BYTES, parseLedger } from '../../chain/ledger/index.ts'
import type { CrowdtrainConfig } from '../../shared/config/index.ts'
import type { Logger } from '../../shared/logger/index.ts'
import type { Storage } from '../../shared/storage/index.ts'
import type { LedgerView } from './summarizeRound.ts'

/** The inputs of `createDevnetSubnet`. */
export type CreateDevnetSubnetParameters = {
  client: ChainClient
  /** The subnet owner (dev account Alice). */
  owner: KeyringPair
  /** The owner's node: it serves the subnet document and the genesis checkpoint. */
  storage: Storage
  config: CrowdtrainConfig
  /** Validator hotkeys (their own stake accounts). */
  validators: readonly string[]
  logger: Logger
}

/** What the devnet needs to know of its subnet. */
export type DevnetSubnet = { netuid: number; genesisBlock: number; validators: string[] }

// chain/subnet is built alongside the devnet; it is loaded by path so this file compiles before it
// lands.
const SUBNET = '../../chain/subnet/index.ts'

/** Creates the devnet's subnet (`createNetworkSubnet`): document and genesis checkpoint on IPFS, then chain. */
export async function createDevnetSubnet(p: CreateDevnetSubnetParameters): Promise<DevnetSubnet> {
  const mod = (await import(SUBNET)) as { createNetworkSubnet: (args: unknown) => Promise<unknown> }
  const out = (await mod.createNetworkSubnet({
    client: p.client,
    owner: p.owner,
    storage: p.storage,
    config: p.config,
    name: 'devnet',
    validators: p.validators.map((hotkey) => ({ hotkey, stakeAccount: hotkey })),
    // A majority of the validators signs each settlement.
    threshold: Math.floor(p.validators.length / 2) + 1,
    logger: p.logger,
  })) as { netuid: number; document: { genesisBlock: number; validators: { hotkey: string }[] } }
  return {
    netuid: out.netuid,
    genesisBlock: out.document.genesisBlock,
    validators: out.document.validators.map((v) => v.hotkey),
  }
}

/** Fetches a round ledger from IPFS (size-capped) and parses it strictly (`parseLedger`). */
export async function loadDevnetLedger(storage: Storage, cid: string): Promise<LedgerView> {
  const bytes = await storage.get(cid, { maxBytes: MAX_LEDGER_BYTES, timeoutMs: 60_000 })
  return parseLedger(bytes)
}
