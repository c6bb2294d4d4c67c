import { z } from 'zod'
import { canonicalJson } from '../../shared/p2p/index.ts'
import { bondsFromSparse, type SparseBonds } from '../consensus/index.ts'
import { MAX_SHARD, MAX_WEIGHTS } from '../protocol/index.ts'
import {
  amount,
  cid,
  finite,
  multiaddrs,
  parseJsonDocument,
  ss58,
  strictlyAscending,
  u16,
  u32,
  uid,
} from './schemas.ts'

/** Version of the round ledger format. */
export const LEDGER_VERSION = 1
/** Largest ledger accepted (dominated by bonds: 4096 uids of sparse bonds fit). */
export const MAX_LEDGER_BYTES = 16 * 1024 * 1024

const pairs = (value: z.ZodTypeAny) => z.array(z.tuple([uid, value])).max(MAX_WEIGHTS)
const u16Pairs = pairs(u16)

const memberSchema = z
  .object({
    uid,
    hotkey: ss58,
    role: z.enum(['miner', 'validator']),
    multiaddrs,
    /** Validators only: where their stake is read (lets the next round rebuild the metagraph from here). */
    stakeAccount: ss58.optional(),
    /** Block of the registration that gave this hotkey its uid (immunity counts from it). */
    registeredAt: u32,
  })
  .strict()

const acceptedSchema = z
  .object({
    uid,
    hotkey: ss58,
    shard: z.number().int().min(0).max(MAX_SHARD),
    cid,
    /** The miner's consensus incentive as u16: the weight of its delta in the shard's aggregation. */
    weight: u16,
  })
  .strict()

const revealSchema = z.object({ uid, hotkey: ss58, shard: z.number().int().min(0).max(MAX_SHARD), cid }).strict()

const payoutSchema = z.object({ uid, address: ss58, amount }).strict()

/** The round ledger schema (docs/network.md, Round ledger). */
export const ledgerSchema = z
  .object({
    v: z.literal(LEDGER_VERSION),
    netuid: u32,
    round: u32,
    checkpoint: cid,
    parent: cid,
    reportLoss: z.object({ before: finite.min(0), after: finite.min(0) }).strict(),
    metagraph: z.array(memberSchema).max(MAX_WEIGHTS),
    stake: pairs(amount),
    /** Counted delta reveals of the round (so `verify` can recompute acceptance from the ledger alone). */
    deltaReveals: z.array(revealSchema).max(MAX_WEIGHTS),
    revealed: z.array(uid).max(MAX_WEIGHTS),
    weights: z.array(z.tuple([uid, u16Pairs])).max(MAX_WEIGHTS),
    consensus: z
      .object({
        consensus: u16Pairs,
        incentive: u16Pairs,
        dividends: u16Pairs,
        trust: u16Pairs,
        validatorTrust: u16Pairs,
      })
      .strict(),
    bonds: z.array(z.tuple([uid, uid, z.string()])).max(1 << 20),
    accepted: z.array(acceptedSchema).max(MAX_WEIGHTS),
    reports: z.array(z.tuple([uid, cid])).max(MAX_WEIGHTS),
    payouts: z.array(payoutSchema).max(MAX_WEIGHTS),
    /** The owner's cut (paid to the subnet document's owner). */
    owner: amount,
    /** The round's emission: owner + Σ payouts + unallocated. */
    emission: amount,
    /** Pools with nobody to pay: not minted, carried over. */
    unallocated: amount,
  })
  .strict()
  .superRefine((l, ctx) => {
    const lists: [string, number[]][] = [
      ['metagraph', l.metagraph.map((m) => m.uid)],
      ['stake', l.stake.map((s) => s[0])],
      ['deltaReveals', l.deltaReveals.map((d) => d.uid)],
      ['revealed', l.revealed],
      ['weights', l.weights.map((w) => w[0])],
      ['accepted', l.accepted.map((a) => a.uid)],
      ['reports', l.reports.map((r) => r[0])],
      ['payouts', l.payouts.map((p) => p.uid)],
      ...Object.entries(l.consensus).map(([k, v]): [string, number[]] => [`consensus.${k}`, v.map((e) => e[0])]),
      ...l.weights.map(([v, row]): [string, number[]] => [`weights of ${v}`, row.map((e) => e[0])]),
    ]
    for (const [path, uids] of lists) {
      if (!strictlyAscending(uids))
        ctx.addIssue({ code: 'custom', path: [path], message: 'uids must be strictly ascending' })
    }
    try {
      bondsFromSparse(
        l.bonds,
        l.metagraph.reduce((n, m) => Math.max(n, m.uid + 1), 0),
      )
    } catch (err) {
      ctx.addIssue({ code: 'custom', path: ['bonds'], message: (err as Error).message })
    }
    const paid = l.payouts.reduce((s, p) => s + BigInt(p.amount), 0n)
    if (BigInt(l.owner) + paid + BigInt(l.unallocated) !== BigInt(l.emission)) {
      ctx.addIssue({ code: 'custom', path: ['emission'], message: 'owner + payouts + unallocated is not the emission' })
    }
  })

/** A round ledger: everything `checkpoint verify` needs without historical chain state. */
export type RoundLedger = z.infer<typeof ledgerSchema>
/** One metagraph row of a ledger. */
export type LedgerMember = z.infer<typeof memberSchema>
/** One accepted delta of a ledger. */
export type AcceptedDelta = z.infer<typeof acceptedSchema>
/** One payout row of a ledger. */
export type LedgerPayout = z.infer<typeof payoutSchema>
export type { SparseBonds }

/** The ledger's canonical JSON bytes, after checking it against the schema readers use. */
export function encodeLedger(ledger: RoundLedger): Uint8Array {
  return new TextEncoder().encode(canonicalJson(ledgerSchema.parse(ledger)))
}

/** Parses a round ledger from IPFS strictly (size cap, JSON, schema, sorted uids, emission adds up). */
export function parseLedger(bytes: Uint8Array, opts: { maxBytes?: number } = {}): RoundLedger {
  return parseJsonDocument('round ledger', bytes, ledgerSchema, opts.maxBytes ?? MAX_LEDGER_BYTES)
}
