import { type ChainClient, readSettledRounds } from '../chain/index.ts'
import { MAX_LEDGER_BYTES, parseLedger } from '../chain/ledger/index.ts'
import type { RoundSchedule } from '../chain/protocol/index.ts'
import { loadSubnet } from '../chain/subnet/index.ts'
import type { CrowdtrainConfig } from '../shared/config/index.ts'
import type { Storage } from '../shared/storage/index.ts'
import { InvalidLedgerError } from './errors.ts'

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

/**
 * The base checkpoint of a round: the checkpoint of the newest round settled in the state of
 * `atBlockHash` (the round's first block), else the genesis checkpoint (docs/network.md step 1).
 * Reading at that block, not at the head, makes a settlement that lands later in the round not
 * change the base, so miner and validators agree on it.
 */
export async function baseCheckpoint(
  client: ChainClient,
  storage: Pick<Storage, 'get'>,
  view: SubnetView,
  p: { round: number; atBlockHash: string; timeoutMs?: number; signal?: AbortSignal },
): Promise<{ cid: string; settledRound: number | null; settled: number[] }> {
  const at = { ...client, api: (await client.api.at(p.atBlockHash)) as unknown as ChainClient['api'] }
  const { rounds } = await readSettledRounds(at, { netuid: view.netuid })
  const newest = rounds.filter((r) => r.round < p.round).at(-1)
  const settled = rounds.map((r) => r.round)
  if (!newest) return { cid: view.genesisCheckpoint, settledRound: null, settled }
  let ledger: ReturnType<typeof parseLedger>
  try {
    const bytes = await storage.get(newest.ledgerCid, {
      maxBytes: MAX_LEDGER_BYTES,
      timeoutMs: p.timeoutMs ?? 60_000,
      signal: p.signal,
    })
    ledger = parseLedger(bytes)
  } catch (err) {
    throw new InvalidLedgerError(newest.ledgerCid, 'it could not be fetched or parsed', err)
  }
  if (ledger.netuid !== view.netuid || ledger.round !== newest.round)
    throw new InvalidLedgerError(newest.ledgerCid, `it is for subnet ${ledger.netuid} round ${ledger.round}`)
  return { cid: ledger.checkpoint, settledRound: newest.round, settled }
}
