import { readSettledRounds } from '../chain/actions/index.ts'
import type { ChainClient } from '../chain/client/index.ts'
import { MAX_LEDGER_BYTES, parseLedger } from '../chain/ledger/index.ts'
import type { RoundSchedule } from '../chain/protocol/index.ts'
import { loadSubnet } from '../chain/subnet/index.ts'
import type { CrowdtrainConfig } from '../shared/config/index.ts'
import type { Storage } from '../shared/storage/index.ts'
import { InvalidLedgerError } from './errors.ts'

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

/**
 * The base checkpoint allowed for a round: the checkpoint of the newest round settled in the state
 * of the round's first block, else genesis — what the miner read when the commit window opened.
 * Reading at that block makes a settlement landing later in the round not change it.
 */
export async function allowedBase(
  client: ChainClient,
  storage: Pick<Storage, 'get'>,
  view: SubnetView,
  p: { round: number; timeoutMs: number; signal?: AbortSignal },
): Promise<{ cid: string; settledRound: number | null; ledgerCid: string | null }> {
  const at = await clientAt(client, await blockHash(client, view.schedule.forRound(p.round).firstBlock))
  const { rounds } = await readSettledRounds(at, { netuid: view.netuid })
  const newest = rounds.filter((r) => r.round < p.round).at(-1)
  if (!newest) return { cid: view.genesisCheckpoint, settledRound: null, ledgerCid: null }
  const bytes = await storage.get(newest.ledgerCid, {
    maxBytes: MAX_LEDGER_BYTES,
    timeoutMs: p.timeoutMs,
    signal: p.signal,
  })
  const ledger = parseLedger(bytes)
  if (ledger.netuid !== view.netuid || ledger.round !== newest.round) {
    throw new InvalidLedgerError(newest.ledgerCid, `it is for subnet ${ledger.netuid} round ${ledger.round}`)
  }
  return { cid: ledger.checkpoint, settledRound: newest.round, ledgerCid: newest.ledgerCid }
}
