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
 * and `checkpoint verify` recomputing, so both leave out exactly the same reports. Fetched at once (a
 * validator that went offline costs one timeout, not one each), judged in uid order. Throws only on abort.
 */
export async function fetchScoreReports(p: FetchScoreReportsParameters): Promise<FetchScoreReportsReturnType> {
  const out: FetchScoreReportsReturnType = { reports: new Map(), skipped: [] }
  const reveals = [...p.reveals].sort((a, b) => a.uid - b.uid)
  const fetched = await Promise.allSettled(
    reveals.map((w) =>
      p.storage.get(w.reportCid, { maxBytes: MAX_REPORT_BYTES, timeoutMs: p.timeoutMs, signal: p.signal }),
    ),
  )
  if (p.signal?.aborted) throw fetched.find((f) => f.status === 'rejected')?.reason ?? p.signal.reason
  for (const [i, w] of reveals.entries()) {
    const got = fetched[i]
    if (got.status === 'rejected') {
      out.skipped.push({ uid: w.uid, cid: w.reportCid, unavailable: true, reason: describeError(got.reason) })
      continue
    }
    try {
      out.reports.set(
        w.uid,
        parseScoreReport(got.value, { netuid: p.netuid, round: p.round, validator: w.hotkey }).report,
      )
    } catch (err) {
      out.skipped.push({ uid: w.uid, cid: w.reportCid, unavailable: false, reason: describeError(err) })
    }
  }
  return out
}
