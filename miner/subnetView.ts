import { z } from 'zod'
import { type ChainClient, readSettledRounds, readSubnet } from '../chain/index.ts'
import { isCanonicalCid, type RoundSchedule, scheduleFromConfig } from '../chain/protocol/index.ts'
import { type CrowdtrainConfig, parseConfig } from '../shared/config/index.ts'
import type { Storage } from '../shared/storage/index.ts'
import { InvalidLedgerError, InvalidSubnetDocumentError } from './errors.ts'

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

const MAX_DOCUMENT_BYTES = 1 << 20
const cidText = z.string().refine(isCanonicalCid, 'expected a canonical CID')
const uint = z.number().int().nonnegative()

// Only the fields the miner reads; the subnet code owns the full schema (docs/network.md).
const documentSchema = z.object({
  v: z.literal(1),
  netuid: uint,
  config: z.record(z.unknown()),
  genesisBlock: uint,
  genesisCheckpoint: cidText,
  validators: z.array(z.object({ hotkey: z.string().max(64), stakeAccount: z.string().max(64) })).max(4096),
  treasury: z.string().max(64),
  assetId: uint,
  registrationFee: z.string().regex(/^(0|[1-9][0-9]{0,38})$/),
})

const ledgerSchema = z.object({ v: z.literal(1), netuid: uint, round: uint, checkpoint: cidText })

/** Reads a JSON document from storage with a size cap and a time limit. */
async function getJson(storage: Storage, cid: string, timeoutMs: number, signal?: AbortSignal): Promise<unknown> {
  const bytes = await storage.get(cid, { maxBytes: MAX_DOCUMENT_BYTES, timeoutMs, signal })
  return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes))
}

/**
 * The subnet as the miner sees it: the class metadata on chain names the document's CID; the
 * document comes from IPFS and is checked before use (design §5). Throws `SubnetNotFoundError` or
 * `InvalidSubnetDocumentError`.
 */
export async function loadSubnetView(
  client: ChainClient,
  storage: Storage,
  p: { netuid: number; timeoutMs?: number; signal?: AbortSignal },
): Promise<SubnetView> {
  const anchors = await readSubnet(client, { netuid: p.netuid })
  let json: unknown
  try {
    json = await getJson(storage, anchors.documentCid, p.timeoutMs ?? 60_000, p.signal)
  } catch (err) {
    throw new InvalidSubnetDocumentError(anchors.documentCid, 'it could not be fetched or is not UTF-8 JSON', err)
  }
  const parsed = documentSchema.safeParse(json)
  if (!parsed.success) {
    const why = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')
    throw new InvalidSubnetDocumentError(anchors.documentCid, why)
  }
  const doc = parsed.data
  if (doc.netuid !== p.netuid)
    throw new InvalidSubnetDocumentError(anchors.documentCid, `it is for subnet ${doc.netuid}`)
  let config: CrowdtrainConfig
  try {
    config = parseConfig(doc.config, `subnet document ${anchors.documentCid}`)
  } catch (err) {
    throw new InvalidSubnetDocumentError(anchors.documentCid, 'its config is invalid', err)
  }
  return {
    netuid: p.netuid,
    documentCid: anchors.documentCid,
    config,
    genesisBlock: doc.genesisBlock,
    genesisCheckpoint: doc.genesisCheckpoint,
    validators: doc.validators,
    // The chain is the truth for the accounts; the document only repeats them.
    treasury: anchors.treasury,
    assetId: anchors.assetId,
    registrationFee: BigInt(doc.registrationFee),
    schedule: scheduleFromConfig(config.round, doc.genesisBlock),
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
  storage: Storage,
  view: SubnetView,
  p: { atBlockHash: string; timeoutMs?: number; signal?: AbortSignal },
): Promise<{ cid: string; settledRound: number | null; settled: number[] }> {
  const at = { ...client, api: (await client.api.at(p.atBlockHash)) as unknown as ChainClient['api'] }
  const { rounds } = await readSettledRounds(at, { netuid: view.netuid })
  const newest = rounds.at(-1)
  const settled = rounds.map((r) => r.round)
  if (!newest) return { cid: view.genesisCheckpoint, settledRound: null, settled }
  let json: unknown
  try {
    json = await getJson(storage, newest.ledgerCid, p.timeoutMs ?? 60_000, p.signal)
  } catch (err) {
    throw new InvalidLedgerError(newest.ledgerCid, 'it could not be fetched or is not UTF-8 JSON', err)
  }
  const ledger = ledgerSchema.safeParse(json)
  if (!ledger.success) throw new InvalidLedgerError(newest.ledgerCid, ledger.error.issues[0]?.message ?? 'bad schema')
  if (ledger.data.netuid !== view.netuid || ledger.data.round !== newest.round)
    throw new InvalidLedgerError(newest.ledgerCid, `it is for subnet ${ledger.data.netuid} round ${ledger.data.round}`)
  return { cid: ledger.data.checkpoint, settledRound: newest.round, settled }
}
