import { CHECKPOINT_FILES, MAX_MANIFEST_BYTES, manifestSchema } from '../../shared/checkpoint/index.ts'
import { describeError } from '../../shared/errors/index.ts'
import type { OpenSubnet } from './openSubnet.ts'

/** One settled round as `checkpoint list` shows it. */
export type ListedRound = {
  round: number
  ledgerCid: string
  /** θ_{r+1}: the checkpoint this round's settlement produced. */
  checkpointCid?: string
  /** Report-split loss of θ_r and θ_{r+1} (the ledger's figures). */
  lossBefore?: number
  lossAfter?: number
  /** Deltas accepted by the stake quorum, and those aggregated (top-G per shard; the manifest's). */
  accepted?: number
  aggregated?: number
  /** Why some fields are missing (a ledger or manifest that could not be fetched or parsed). */
  warning?: string
}

/**
 * The settled rounds of a subnet: the uniques items of its class (chain state, no block scan), each
 * with its ledger (checkpoint CID, report-split loss, accepted deltas) and its checkpoint's manifest
 * (deltas aggregated). A round whose documents cannot be had is listed with a warning, never dropped.
 */
export async function listCheckpoints(net: OpenSubnet): Promise<ListedRound[]> {
  const out: ListedRound[] = []
  for (const r of await net.settled()) {
    const row: ListedRound = { round: r.round, ledgerCid: r.ledgerCid }
    out.push(row)
    try {
      const ledger = await net.ledger(r)
      Object.assign(row, {
        checkpointCid: ledger.checkpoint,
        lossBefore: ledger.reportLoss.before,
        lossAfter: ledger.reportLoss.after,
        accepted: ledger.accepted.length,
      })
      const bytes = await net.storage.getFile(ledger.checkpoint, CHECKPOINT_FILES.manifest, {
        maxBytes: MAX_MANIFEST_BYTES,
        timeoutMs: net.timeoutMs,
      })
      const manifest = manifestSchema.safeParse(JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)))
      if (!manifest.success) row.warning = `its manifest is invalid: ${manifest.error.issues[0]?.message}`
      else if (manifest.data.round !== r.round) row.warning = `its manifest is for round ${manifest.data.round}`
      else row.aggregated = manifest.data.deltas.length
    } catch (err) {
      row.warning = describeError(err).split('\n')[0]
    }
  }
  return out
}
