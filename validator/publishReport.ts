import type { KeyringPair } from '@polkadot/keyring/types'
import { encodeScoreReport, type ScoreReport } from '../chain/ledger/index.ts'
import type { Storage } from '../shared/storage/index.ts'
import type { ScoreRow } from './scoreRound.ts'

/** The inputs of `buildScoreReport`. */
export type BuildScoreReportParameters = {
  netuid: number
  round: number
  /** The validator's hotkey (SS58): the signer. */
  validator: string
  evalPages: readonly number[]
  rows: readonly ScoreRow[]
}

/** A score report in the ledger's schema: rows by ascending uid, each zero with its reason. */
export function buildScoreReport(p: BuildScoreReportParameters): ScoreReport {
  return {
    v: 1,
    netuid: p.netuid,
    round: p.round,
    validator: p.validator,
    evalPages: [...p.evalPages],
    rows: [...p.rows].sort((a, b) => a.uid - b.uid).map(finiteRow),
  }
}

// A diverged loss (NaN, ∞) must not make the whole report unpublishable: drop it, keep the reason.
function finiteRow(r: ScoreRow): ScoreRow {
  const out: ScoreRow = { ...r }
  for (const k of ['lossBase', 'lossStep', 'improvement'] as const) {
    if (out[k] !== undefined && !Number.isFinite(out[k])) delete out[k]
  }
  if (!Number.isFinite(out.score) || out.score < 0) out.score = 0
  if (out.score === 0 && out.reason === undefined) out.reason = 'no-improvement'
  return out
}

/** Signs a report with the hotkey, adds it to storage and pins it; returns its CID. */
export async function publishReport(
  storage: Pick<Storage, 'add' | 'pin'>,
  report: ScoreReport,
  signer: KeyringPair,
  opts: { signal?: AbortSignal } = {},
): Promise<string> {
  const cid = await storage.add(encodeScoreReport(report, signer), opts)
  await storage.pin(cid, opts)
  return cid.toString()
}
