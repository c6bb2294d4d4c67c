import { z } from 'zod'
import { type ChainClient, readSettledRounds, readSubnet } from '../chain/index.ts'
import { isCanonicalCid, type RoundSchedule, scheduleFromConfig } from '../chain/protocol/index.ts'
import { type CrowdtrainConfig, parseConfig } from '../shared/config/index.ts'
import type { Storage } from '../shared/storage/index.ts'
import { InvalidSubnetDocumentError } from './errors.ts'

/** What the validator needs of a subnet: its document, accounts and round clock. */
export type SubnetView = {
  netuid: number
  documentCid: string
  config: CrowdtrainConfig
  genesisBlock: number
  genesisCheckpoint: string
  validators: { hotkey: string; stakeAccount: string }[]
  threshold: number
  /** Receives the owner's cut of each round (the document's `owner`; the treasury when absent). */
  owner: string
  treasury: string
  assetId: number
  registrationFee: bigint
  schedule: RoundSchedule
}

const MAX_DOCUMENT_BYTES = 1 << 20
const cidText = z.string().refine(isCanonicalCid, 'expected a canonical CID')
const uint = z.number().int().nonnegative()

// The fields the validator reads (docs/network.md, subnet document); the subnet code owns the full schema.
const documentSchema = z.object({
  v: z.literal(1),
  netuid: uint,
  config: z.record(z.unknown()),
  genesisBlock: uint,
  genesisCheckpoint: cidText,
  validators: z
    .array(z.object({ hotkey: z.string().max(64), stakeAccount: z.string().max(64) }))
    .min(1)
    .max(4096),
  threshold: z.number().int().min(1),
  owner: z.string().max(64).optional(),
  treasury: z.string().max(64),
  assetId: uint,
  registrationFee: z.string().regex(/^(0|[1-9][0-9]{0,38})$/),
})

const ledgerHead = z.object({ v: z.literal(1), netuid: uint, round: uint, checkpoint: cidText })

/** Reads a JSON document from storage with a size cap and a time limit. */
export async function getJson(
  storage: Pick<Storage, 'get'>,
  cid: string,
  opts: { maxBytes?: number; timeoutMs: number; signal?: AbortSignal },
): Promise<unknown> {
  const bytes = await storage.get(cid, {
    maxBytes: opts.maxBytes ?? MAX_DOCUMENT_BYTES,
    timeoutMs: opts.timeoutMs,
    signal: opts.signal,
  })
  return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes))
}

/**
 * The subnet as the validator sees it: the class metadata on chain names the document's CID; the
 * document comes from IPFS and is parsed strictly before use. Throws `SubnetNotFoundError` or
 * `InvalidSubnetDocumentError`.
 */
export async function loadSubnetView(
  client: ChainClient,
  storage: Pick<Storage, 'get'>,
  p: { netuid: number; timeoutMs: number; signal?: AbortSignal },
): Promise<SubnetView> {
  const anchors = await readSubnet(client, { netuid: p.netuid })
  let json: unknown
  try {
    json = await getJson(storage, anchors.documentCid, p)
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
    threshold: doc.threshold,
    owner: doc.owner ?? anchors.treasury,
    // The chain is the truth for the accounts; the document only repeats them.
    treasury: anchors.treasury,
    assetId: anchors.assetId,
    registrationFee: BigInt(doc.registrationFee),
    schedule: scheduleFromConfig(config.round, doc.genesisBlock),
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
  const ledger = ledgerHead.safeParse(await getJson(storage, newest.ledgerCid, { ...p, maxBytes: 16 << 20 }))
  if (!ledger.success || ledger.data.netuid !== view.netuid || ledger.data.round !== newest.round) {
    throw new InvalidSubnetDocumentError(newest.ledgerCid, `the ledger of round ${newest.round} does not parse`)
  }
  return { cid: ledger.data.checkpoint, settledRound: newest.round, ledgerCid: newest.ledgerCid }
}
