import type { AnyTuple, CallBase } from '@polkadot/types/types'
import { readPendingCalls, readSettledRounds, settle } from '../chain/actions/index.ts'
import { AlreadySettledError, SettlementMismatchError } from '../chain/errors.ts'
import { accountId } from '../chain/protocol/index.ts'
import { buildSettleCall, compareSettleCalls, decodeSettleCall, multisigAddress } from '../chain/settle/index.ts'
import { describeError } from '../shared/errors/index.ts'
import { type BuiltOutcome, buildRoundOutcome } from './buildRoundOutcome.ts'
import type { ValidatorContext } from './context.ts'
import { wrongSettlePayouts } from './faults/index.ts'
import { type RoundState, saveRoundState } from './roundState.ts'
import { newRoundState } from './roundSteps.ts'

/** Per validator context: the outcome built per round, when it started waiting, when it may rebuild, what it refused. */
type SettleMemo = {
  built: Map<number, BuiltOutcome>
  waitingSince: Map<number, number>
  notBefore: Map<number, number>
  /** Hashes of pending settle calls of the round that differ from ours and were refused (logged once). */
  refused: Map<number, Set<string>>
  /** Rounds for which a fault or the void deadline was already logged. */
  told: Set<string>
}

/** After a failed build or a refused proposal, wait this long before building the outcome again. */
const REBUILD_DELAY_MS = 10_000
const memos = new WeakMap<ValidatorContext, SettleMemo>()

function memoOf(ctx: ValidatorContext): SettleMemo {
  let m = memos.get(ctx)
  if (!m) {
    m = { built: new Map(), waitingSince: new Map(), notBefore: new Map(), refused: new Map(), told: new Set() }
    memos.set(ctx, m)
  }
  return m
}

/** The validator at index `round mod n` of the subnet document's list proposes the settle call. */
export function proposerOf(validators: readonly { hotkey: string }[], round: number): string {
  return validators[round % validators.length].hotkey
}

function isSettleOf(call: CallBase<AnyTuple> | undefined, netuid: number, round: number): boolean {
  if (!call) return false
  try {
    const parts = decodeSettleCall(call)
    return parts.netuid === netuid && parts.round === round
  } catch {
    return false
  }
}

async function isSettled(ctx: ValidatorContext, round: number): Promise<boolean> {
  return (await readSettledRounds(ctx.client, { netuid: ctx.netuid })).rounds.some((r) => r.round === round)
}

async function markSettled(ctx: ValidatorContext, round: number, state: RoundState | null): Promise<void> {
  const base = state ?? newRoundState(ctx, round)
  await saveRoundState(ctx.dataDir, { ...base, settled: true })
  memoOf(ctx).built.delete(round)
}

/** Logs a line once per (round, key). */
function once(memo: SettleMemo, key: string, log: () => void): void {
  if (memo.told.has(key)) return
  memo.told.add(key)
  log()
}

/**
 * One settle attempt for round `round` (docs/network.md step 5); true once the round is settled.
 * Builds (once) this validator's own outcome and settle call. The proposer sends it as the first
 * approval; the others wait for a proposal (up to `proposalTimeoutMs`, then propose their own),
 * and approve only a call equal to theirs. A pending call that differs is refused and logged with
 * what differs (`compareSettleCalls`); the outcome is rebuilt after a pause, in case this
 * validator's own inputs were incomplete, and if it still differs the validator proposes or
 * approves its own call beside the refused one, so a wrong proposal cannot make the round void.
 * Nothing is sent once the round's void deadline (the end of the next round) is reached.
 */
export async function settleStep(
  ctx: ValidatorContext,
  round: number,
  state: RoundState | null,
  signal?: AbortSignal,
): Promise<boolean> {
  const log = ctx.logger.forComponent('validator:settle')
  if (await isSettled(ctx, round)) {
    await markSettled(ctx, round, state)
    return true
  }
  const memo = memoOf(ctx)
  if (ctx.faults?.has('offline')) {
    once(memo, `${round}:offline`, () => log.warn('faulty validator (offline): not settling', { round }))
    return false
  }
  const head = (await ctx.client.finalizedHead()).number
  const deadline = ctx.view.schedule.forRound(round + 1).lastBlock
  if (head + 1 > deadline) {
    once(memo, `${round}:void`, () =>
      log.warn('round void: not settled before the end of the next round; not settling it', { round, deadline }),
    )
    return false
  }
  let built = memo.built.get(round)
  if (!built) {
    if (Date.now() < (memo.notBefore.get(round) ?? 0)) return false
    // A failure (a report or delta not fetched yet) is retried after a pause, not on every head.
    memo.notBefore.set(round, Date.now() + REBUILD_DELAY_MS)
    built = await buildRoundOutcome(ctx, round, signal)
    memo.built.set(round, built)
    log.info('round outcome built', {
      round,
      checkpoint: built.checkpointCid,
      ledger: built.ledgerCid,
      accepted: built.outcome.accepted.map((a) => a.uid),
      lossBefore: built.ledger.reportLoss.before,
      lossAfter: built.ledger.reportLoss.after,
    })
  }
  const { view } = ctx
  const wrong = ctx.faults?.has('wrong-settle') === true
  const { call, callHash } = buildSettleCall({
    api: ctx.client.api,
    netuid: ctx.netuid,
    round,
    ledgerCid: built.ledgerCid,
    treasury: view.treasury,
    assetId: view.assetId,
    payouts: wrong
      ? wrongSettlePayouts(built.outcome.settlePayouts, ctx.pair.address, BigInt(built.ledger.emission))
      : built.outcome.settlePayouts,
  })
  const signatories = view.validators.map((v) => v.hotkey)
  const me = accountId(ctx.pair.address)
  const pending = await readPendingCalls(ctx.client, {
    multisig: multisigAddress(signatories, view.threshold),
    withCalls: true,
  })
  const same = pending.find((c) => c.callHash === callHash)
  if (same?.approvals.some((a) => accountId(a) === me)) return false
  const refused = memo.refused.get(round) ?? new Set<string>()
  memo.refused.set(round, refused)
  const others = pending.filter((c) => c.callHash !== callHash && isSettleOf(c.call, ctx.netuid, round))
  const fresh = wrong ? [] : others.filter((c) => !refused.has(c.callHash))
  if (fresh.length > 0) {
    for (const other of fresh) {
      refused.add(other.callHash)
      const differences = compareSettleCalls(call, other.call as CallBase<AnyTuple>)
      log.error('settlement refused: the proposed call differs from ours', {
        round,
        proposed: other.callHash,
        by: other.depositor,
        reason: describeError(new SettlementMismatchError(round, differences)),
      })
    }
    // Our inputs may have been incomplete (a report that had not arrived): rebuild later; an equal
    // call then approves the proposal, a different one proposes ours beside the refused one.
    memo.built.delete(round)
    memo.notBefore.set(round, Date.now() + REBUILD_DELAY_MS)
    return false
  }
  if (wrong) {
    once(memo, `${round}:wrong`, () =>
      log.warn('faulty validator (wrong-settle): proposing a settlement that pays itself extra', { round, callHash }),
    )
  } else if (!same && others.length === 0 && accountId(proposerOf(view.validators, round)) !== me) {
    const since = memo.waitingSince.get(round) ?? Date.now()
    memo.waitingSince.set(round, since)
    if (Date.now() - since < ctx.proposalTimeoutMs) return false
    log.warn('no proposal in time; proposing our own settle call', { round })
  } else if (!same && others.length > 0) {
    log.warn('proposing our own settle call beside the refused one', { round, callHash })
  }
  try {
    const res = await settle(ctx.client, {
      signer: ctx.pair,
      signatories,
      threshold: view.threshold,
      netuid: ctx.netuid,
      round,
      call,
      refused: wrong ? new Set(others.map((c) => c.callHash)) : refused,
      signal,
    })
    log.info('settle call sent', { round, callHash, status: res.status, approvals: res.approvals, block: res.block })
  } catch (err) {
    if (err instanceof AlreadySettledError) {
      await markSettled(ctx, round, state)
      return true
    }
    throw err
  }
  if (await isSettled(ctx, round)) {
    await markSettled(ctx, round, state)
    return true
  }
  return false
}
