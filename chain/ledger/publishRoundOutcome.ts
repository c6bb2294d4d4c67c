import type { Backend } from '../../shared/backend/index.ts'
import { buildCheckpointFiles, reportLoss } from '../../shared/checkpoint/index.ts'
import type { CrowdtrainConfig } from '../../shared/config/index.ts'
import type { FileEntry, Storage } from '../../shared/storage/index.ts'
import type { Task } from '../../shared/tasks/index.ts'
import type { PartialLedger, RoundOutcome } from './computeRoundOutcome.ts'
import { encodeLedger, type RoundLedger } from './ledger.ts'

/** Completes a partial ledger with the checkpoint CID and the report losses (θ_r before, θ_{r+1} after). */
export function finishLedger(
  partial: PartialLedger,
  p: { checkpoint: string; reportLoss: { before: number; after: number } },
): RoundLedger {
  return { ...partial, checkpoint: p.checkpoint, reportLoss: { ...p.reportLoss } }
}

/** The inputs of `buildOutcomeCheckpoint`. */
export type BuildOutcomeCheckpointParameters = Pick<
  PublishRoundOutcomeParameters,
  'outcome' | 'task' | 'config' | 'backend'
>

/**
 * Round r's checkpoint directory (θ_{r+1}) from its outcome: the report-split loss measured on `backend`,
 * then `buildCheckpointFiles`. Validators settling and `checkpoint verify` both build it here, so the
 * same outcome gives the same bytes, hence the same CID.
 */
export async function buildOutcomeCheckpoint(
  p: BuildOutcomeCheckpointParameters,
): Promise<{ files: FileEntry[]; reportLoss: number }> {
  const { ledger: partial } = p.outcome
  const after = await reportLoss(p.config, p.task, p.outcome.params, p.backend)
  const files = buildCheckpointFiles({
    task: p.task,
    config: p.config,
    netuid: partial.netuid,
    round: partial.round,
    parent: partial.parent,
    params: p.outcome.params,
    momentum: p.outcome.momentum,
    deltas: p.outcome.used,
    reportLoss: after,
  })
  return { files, reportLoss: after }
}

/** The inputs of `publishRoundOutcome`. */
export type PublishRoundOutcomeParameters = {
  storage: Pick<Storage, 'add'>
  outcome: RoundOutcome
  task: Task
  config: CrowdtrainConfig
  /** Measures θ_{r+1}'s report loss; every validator must use the same backend kind. */
  backend: Backend
  /** θ_r's report loss (its checkpoint manifest's `reportLoss`). */
  reportLossBefore: number
  signal?: AbortSignal
}

/**
 * Builds round r's checkpoint (θ_{r+1}) and ledger from the outcome and adds both to storage. Every
 * honest validator gets the same bytes, hence the same two CIDs: the ledger CID goes into the settle call.
 */
export async function publishRoundOutcome(
  p: PublishRoundOutcomeParameters,
): Promise<{ checkpointCid: string; ledgerCid: string; ledger: RoundLedger; reportLoss: number }> {
  const { ledger: partial } = p.outcome
  const { files, reportLoss: after } = await buildOutcomeCheckpoint(p)
  const checkpointCid = (await p.storage.add(files, { signal: p.signal })).toString()
  const ledger = finishLedger(partial, { checkpoint: checkpointCid, reportLoss: { before: p.reportLossBefore, after } })
  const ledgerCid = (await p.storage.add(encodeLedger(ledger), { signal: p.signal })).toString()
  return { checkpointCid, ledgerCid, ledger, reportLoss: after }
}
