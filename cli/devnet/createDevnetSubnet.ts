import type { KeyringPair } from '@polkadot/keyring/types'
import type { ChainClient } from '../../chain/client/index.ts'
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

// chain/subnet and chain/ledger are built alongside the devnet; they are loaded by path so this
// file compiles before they land, and their results are checked here.
const SUBNET = '../../chain/subnet/index.ts'
const LEDGER = '../../chain/ledger/index.ts'

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
    threshold: p.validators.length,
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
  const mod = (await import(LEDGER)) as { parseLedger: (bytes: Uint8Array) => LedgerView; MAX_LEDGER_BYTES?: number }
  const bytes = await storage.get(cid, { maxBytes: mod.MAX_LEDGER_BYTES ?? 16 * 1024 * 1024, timeoutMs: 60_000 })
  return mod.parseLedger(bytes)
}
