import { describeError } from '../../shared/errors/index.ts'
import type { Storage } from '../../shared/storage/index.ts'
import { MAX_REPORT_BYTES, parseScoreReport, type ScoreReport } from './report.ts'

/** The inputs of `fetchScoreReports`. */
export type FetchScoreReportsParameters = {
  storage: Pick<Storage, 'get'>
  netuid: number
  round: number
  /** The round's counted weights reveals (or the ledger's `reports` with the members' hotkeys). */
  reveals: readonly { uid: number; hotkey: string; reportCid: string }[]
  timeoutMs: number
  signal?: AbortSignal
}

/** Reports that count, by validator uid, and those left out with the reason (`unavailable` when not fetched). */
export type FetchScoreReportsReturnType = {
  reports: Map<number, ScoreReport>
  skipped: { uid: number; cid: string; unavailable: boolean; reason: string }[]
}

/**
 * Every revealed score report that fetches (size cap, timeout), parses and carries its validator's
 * signature, by validator uid — the reports a settlement counts. The same code serves validators settling
 * and `checkpoint verify` recomputing, so both leave out exactly the same reports. Throws only on abort.
 */
export async function fetchScoreReports(p: FetchScoreReportsParameters): Promise<FetchScoreReportsReturnType> {
  const out: FetchScoreReportsReturnType = { reports: new Map(), skipped: [] }
  for (const w of [...p.reveals].sort((a, b) => a.uid - b.uid)) {
    let bytes: Uint8Array
    try {
      bytes = await p.storage.get(w.reportCid, { maxBytes: MAX_REPORT_BYTES, timeoutMs: p.timeoutMs, signal: p.signal })
    } catch (err) {
      if (p.signal?.aborted) throw err
      out.skipped.push({ uid: w.uid, cid: w.reportCid, unavailable: true, reason: describeError(err) })
      continue
    }
    try {
      out.reports.set(w.uid, parseScoreReport(bytes, { netuid: p.netuid, round: p.round, validator: w.hotkey }).report)
    } catch (err) {
      out.skipped.push({ uid: w.uid, cid: w.reportCid, unavailable: false, reason: describeError(err) })
    }
  }
  return out
}
