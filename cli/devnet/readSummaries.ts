import { readMetagraph } from '../../chain/actions/index.ts'
import type { ChainClient } from '../../chain/client/index.ts'
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
  /** Also pin each ledger and checkpoint on `storage` (the devnet keeps them when it serves). */
  pin?: boolean
}

/** Summaries of settled rounds, from the chain and the ledgers on IPFS, in round order. */
export async function readSummaries(p: ReadSummariesParameters): Promise<RoundSummary[]> {
  const { rows } = await readMetagraph(p.client, {
    netuid: p.netuid,
    maxUids: p.maxUids,
    immunityBlocks: p.immunityBlocks,
  })
  const claimedTotal = new Map<string, bigint>()
  for (const row of rows) claimedTotal.set(accountId(row.hotkey) ?? row.hotkey, row.claimed)
  const earlier = new Map<string, bigint>()
  const out: RoundSummary[] = []
  for (const { round, ledgerCid } of [...p.rounds].sort((a, b) => a.round - b.round)) {
    let ledger: LedgerView
    try {
      ledger = await p.loadLedger(p.storage, ledgerCid)
    } catch (err) {
      throw new RoundFailedError(round, `its ledger ${ledgerCid} cannot be read (${(err as Error).message})`)
    }
    if (p.pin) {
      await p.storage.pin(ledgerCid, { timeoutMs: 60_000 })
      await p.storage.pin(ledger.checkpoint, { timeoutMs: 120_000 })
    }
    const byKey = (m: ReadonlyMap<string, bigint>) =>
      new Map(
        ledger.payouts.map((x) => [x.address, m.get(accountId(x.address) ?? x.address) ?? m.get(x.address) ?? 0n]),
      )
    const earlierById = new Map([...earlier].map(([a, v]) => [accountId(a) ?? a, v]))
    out.push(
      summarizeRound({
        ledgerCid,
        ledger,
        earlier: byKey(earlierById),
        claimedTotal: byKey(claimedTotal),
        deltaReveals: p.deltaReveals?.get(round),
        names: p.names,
      }),
    )
    addRewards(earlier, ledger)
  }
  return out
}
