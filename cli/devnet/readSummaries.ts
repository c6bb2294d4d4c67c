import { readMetagraph } from '../../chain/actions/index.ts'
import type { ChainClient } from '../../chain/client/index.ts'
import { fetchScoreReports, type ScoreReport } from '../../chain/ledger/index.ts'
import { accountId } from '../../chain/protocol/index.ts'
import type { Storage } from '../../shared/storage/index.ts'
import { RoundFailedError } from './errors.ts'
import { addRewards, type LedgerView, type RoundSummary, summarizeRound } from './summarizeRound.ts'

/** Reads and strictly parses a round ledger from IPFS. */
export type LoadLedger = (storage: Storage, cid: string) => Promise<LedgerView>

/** The inputs of `readSummaries`. */
export type ReadSummariesParameters = {
  client: ChainClient
  storage: Storage
  netuid: number
  maxUids: number
  immunityBlocks: number
  /** Settled rounds to report, with their ledger CIDs (from uniques items). */
  rounds: readonly { round: number; ledgerCid: string }[]
  loadLedger: LoadLedger
  /** Hotkeys whose delta reveal counted, per round (read by the devnet's clock). */
  deltaReveals?: ReadonlyMap<number, ReadonlySet<string>>
  /** Names of the devnet's participants by hotkey. */
  names?: ReadonlyMap<string, string>
  /** Also pin each ledger, checkpoint and score report on `storage` (the devnet keeps them when it serves). */
  pin?: boolean
  /** How long to wait for each validator's score report (default 20 s). */
  reportTimeoutMs?: number
}

type RoundReports = { reports: Map<number, ScoreReport>; unread: { validator: string; cid: string; reason: string }[] }

/** Summaries of settled rounds, from the chain and the ledgers on IPFS, in round order. */
export async function readSummaries(p: ReadSummariesParameters): Promise<RoundSummary[]> {
  const { rows } = await readMetagraph(p.client, {
    netuid: p.netuid,
    maxUids: p.maxUids,
    immunityBlocks: p.immunityBlocks,
  })
  const outstanding = new Map<string, bigint>()
  for (const row of rows) outstanding.set(accountId(row.hotkey) ?? row.hotkey, row.approved)
  const sorted = [...p.rounds].sort((a, b) => a.round - b.round)
  const ledgers: LedgerView[] = []
  const reports: RoundReports[] = []
  for (const { round, ledgerCid } of sorted) {
    try {
      ledgers.push(await p.loadLedger(p.storage, ledgerCid))
    } catch (err) {
      throw new RoundFailedError(round, `its ledger ${ledgerCid} cannot be read (${(err as Error).message})`)
    }
    const ledger = ledgers[ledgers.length - 1]
    reports.push(await readReports(p, ledger))
    if (p.pin) {
      await p.storage.pin(ledgerCid, { timeoutMs: 60_000 })
      await p.storage.pin(ledger.checkpoint, { timeoutMs: 120_000 })
      for (const [uid, cid] of ledger.reports) if (reports.at(-1)?.reports.has(uid)) await p.storage.pin(cid)
      // The accepted deltas too, so `checkpoint verify` can recompute the round once the miners are gone.
      for (const a of ledger.accepted as readonly { uid: number; cid?: string }[])
        if (a.cid) await p.storage.pin(a.cid, { timeoutMs: 60_000 }).catch(() => undefined)
    }
  }
  // Walk back from the newest round: `later` holds the rewards of the rounds after the current one.
  const later = new Map<string, bigint>()
  const out: RoundSummary[] = []
  for (let i = sorted.length - 1; i >= 0; i--) {
    const ledger = ledgers[i]
    const byAddress = (m: ReadonlyMap<string, bigint>) =>
      new Map(ledger.payouts.map((x) => [x.address, m.get(accountId(x.address) ?? x.address) ?? 0n]))
    const laterById = new Map([...later].map(([a, v]) => [accountId(a) ?? a, v]))
    const summary = summarizeRound({
      ledgerCid: sorted[i].ledgerCid,
      ledger,
      later: byAddress(laterById),
      outstanding: byAddress(outstanding),
      deltaReveals: p.deltaReveals?.get(sorted[i].round),
      names: p.names,
      reports: reports[i].reports,
    })
    if (reports[i].unread.length > 0) summary.unreadReports = reports[i].unread
    out.unshift(summary)
    addRewards(later, ledger)
  }
  return out
}

/**
 * The score reports a ledger lists, fetched and checked as validators check them (signature,
 * netuid, round, signer): they carry the reasons for zero scores. One that cannot be read is listed
 * with its reason, never fatal: the round's outcome is in the ledger already.
 */
async function readReports(p: ReadSummariesParameters, ledger: LedgerView): Promise<RoundReports> {
  const hotkey = new Map(ledger.metagraph.map((m) => [m.uid, m.hotkey]))
  const name = (uid: number) => {
    const h = hotkey.get(uid) ?? `uid ${uid}`
    return p.names?.get(h) ?? h
  }
  const { reports, skipped } = await fetchScoreReports({
    storage: p.storage,
    netuid: ledger.netuid,
    round: ledger.round,
    reveals: ledger.reports.map(([uid, reportCid]) => ({ uid, hotkey: hotkey.get(uid) ?? '', reportCid })),
    timeoutMs: p.reportTimeoutMs ?? 20_000,
  })
  return { reports, unread: skipped.map((x) => ({ validator: name(x.uid), cid: x.cid, reason: x.reason })) }
}
