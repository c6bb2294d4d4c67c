import type { KeyringPair } from '@polkadot/keyring/types'
import type { AnyTuple, CallBase } from '@polkadot/types/types'
import type { ChainClient } from '../client/index.ts'
import { AlreadySettledError, SettlementMismatchError, TreasuryCallFailedError } from '../errors.ts'
import { compareSettleCalls, decodeSettleCall, multisigAddress } from '../settle/index.ts'
import { readPendingCalls } from './readPendingCalls.ts'
import { type TreasuryCallReturnType, treasuryCall } from './treasuryCall.ts'

/** The inputs of `settle`. */
export type SettleParameters = {
  signer: KeyringPair
  signatories: readonly string[]
  threshold: number
  netuid: number
  round: number
  /** This validator's own settle call (`buildSettleCall`). */
  call: CallBase<AnyTuple>
  /** Skip the "already settled" pre-check, leaving the refusal to the chain (tests, audits). */
  skipPrecheck?: boolean
  /**
   * Hashes of pending settle calls of this round the caller already refused: they no longer block
   * it, and it proposes (or approves) its own call beside them — a multisig holds several pending
   * calls, and the honest signers reach the threshold on theirs.
   */
  refused?: ReadonlySet<string>
  signal?: AbortSignal
}

/** What this validator's approval did. */
export type SettleReturnType = TreasuryCallReturnType

/**
 * Proposes or approves the round's settlement. A validator approves only the call it computed: if
 * another settle call for the same round is pending (and not in `refused`), it throws
 * `SettlementMismatchError` naming what differs instead of approving. The approval that reaches the threshold executes it; a round
 * whose item exists throws `AlreadySettledError` (before sending, or from the chain's refusal).
 */
export async function settle(client: ChainClient, p: SettleParameters): Promise<SettleReturnType> {
  const { api } = client
  if (!p.skipPrecheck && (await api.query.uniques.asset(p.netuid, p.round)).isSome) {
    throw new AlreadySettledError(p.netuid, p.round)
  }
  const callHash = p.call.hash.toHex()
  const multisig = multisigAddress(p.signatories, p.threshold)
  const pending = await readPendingCalls(client, { multisig, withCalls: true })
  if (!pending.some((c) => c.callHash === callHash)) {
    for (const other of pending) {
      if (!other.call || p.refused?.has(other.callHash) || !isSettleOf(other.call, p.netuid, p.round)) continue
      throw new SettlementMismatchError(p.round, compareSettleCalls(p.call, other.call))
    }
  }
  try {
    return await treasuryCall(client, p)
  } catch (err) {
    if (err instanceof TreasuryCallFailedError && /^uniques\.(AlreadyExists|InUse)$/.test(err.errorName)) {
      throw new AlreadySettledError(p.netuid, p.round, err)
    }
    throw err
  }
}

function isSettleOf(call: CallBase<AnyTuple>, netuid: number, round: number): boolean {
  try {
    const parts = decodeSettleCall(call)
    return parts.netuid === netuid && parts.round === round
  } catch {
    return false
  }
}
