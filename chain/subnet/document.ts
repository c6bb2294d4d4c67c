import { z } from 'zod'
import { fullConfigSchema } from '../../shared/checkpoint/index.ts'
import { canonicalJson } from '../../shared/p2p/index.ts'
import {
  amountSchema as amount,
  cidSchema as cid,
  parseJsonDocument,
  ss58Schema as ss58,
  u32Schema as u32,
} from '../ledger/index.ts'
import { accountId } from '../protocol/index.ts'

/** Version of the subnet document format. */
export const SUBNET_DOCUMENT_VERSION = 1
/** Largest subnet document accepted (a config and up to 256 validators are a few KiB). */
export const MAX_SUBNET_DOCUMENT_BYTES = 256 * 1024

/** The subnet document schema (docs/network.md, Subnet document). */
export const subnetDocumentSchema = z
  .object({
    v: z.literal(SUBNET_DOCUMENT_VERSION),
    netuid: u32,
    name: z.string().min(1).max(100),
    config: fullConfigSchema,
    /** First block of round 0 (the round clock is `scheduleFromConfig(config.round, genesisBlock)`). */
    genesisBlock: u32,
    genesisCheckpoint: cid,
    validators: z
      .array(z.object({ hotkey: ss58, stakeAccount: ss58 }).strict())
      .min(1)
      .max(256),
    threshold: z.number().int().min(1),
    treasury: ss58,
    assetId: u32,
    /** Native planck a participant pays the treasury to register. */
    registrationFee: amount,
    /** Receives the owner's cut of every round's emission. */
    owner: ss58,
  })
  .strict()
  .superRefine((d, ctx) => {
    if (d.threshold > d.validators.length) {
      ctx.addIssue({ code: 'custom', path: ['threshold'], message: `more than the ${d.validators.length} validators` })
    }
    const keys = d.validators.map((v) => accountId(v.hotkey))
    if (new Set(keys).size !== keys.length) {
      ctx.addIssue({ code: 'custom', path: ['validators'], message: 'a validator hotkey appears twice' })
    }
    const stakes = d.validators.map((v) => accountId(v.stakeAccount))
    if (new Set(stakes).size !== stakes.length) {
      ctx.addIssue({
        code: 'custom',
        path: ['validators'],
        message: 'a stake account appears twice (stake counts once)',
      })
    }
  })

/** A subnet document: what the subnet is, as its owner published it. */
export type SubnetDocument = z.infer<typeof subnetDocumentSchema>

/** The document's canonical JSON bytes, after checking it against the schema readers use. */
export function encodeSubnetDocument(doc: SubnetDocument): Uint8Array {
  return new TextEncoder().encode(canonicalJson(subnetDocumentSchema.parse(doc)))
}

/** Parses a subnet document from IPFS strictly (size cap, JSON, schema with a complete config). */
export function parseSubnetDocument(bytes: Uint8Array, opts: { maxBytes?: number } = {}): SubnetDocument {
  return parseJsonDocument('subnet document', bytes, subnetDocumentSchema, opts.maxBytes ?? MAX_SUBNET_DOCUMENT_BYTES)
}
