import { BaseError } from '../shared/errors/index.ts'

/** The chain endpoint cannot be reached (or dropped and did not come back in time). */
export class ChainUnreachableError extends BaseError {
  override name = 'ChainUnreachableError'
  constructor(url: string, cause?: unknown) {
    super('chain.unreachable', `Cannot reach the chain at ${url}.`, {
      details: 'Start one with `crowdtrain chain start`, or check the --chain URL (ws://host:port).',
      cause,
      meta: { url },
    })
  }
}

/** The embedded dev chain failed to start. */
export class DevchainStartError extends BaseError {
  override name = 'DevchainStartError'
  constructor(reason: string, cause?: unknown) {
    super('chain.devchain-start', `The embedded dev chain did not start: ${reason}.`, { cause })
  }
}

/** A transaction was included but its call failed on chain; `errorName` is `pallet.Error`. */
export class DispatchError extends BaseError {
  override name = 'DispatchError'
  readonly errorName: string
  constructor(errorName: string, docs: string, meta: Record<string, unknown> = {}) {
    super('chain.dispatch', `The chain rejected the call: ${errorName}.`, {
      details: docs || undefined,
      meta: { ...meta, errorName },
    })
    this.errorName = errorName
  }
}

/** The transaction pool refused a transaction (bad nonce, bad signature, stale, ...). */
export class TransactionRejectedError extends BaseError {
  override name = 'TransactionRejectedError'
  constructor(reason: string, cause?: unknown) {
    super('chain.rejected', `The chain refused the transaction: ${reason}.`, { cause })
  }
}

/** The signer cannot pay the fee, the transfer or the deposit. */
export class InsufficientFundsError extends BaseError {
  override name = 'InsufficientFundsError'
  constructor(account: string, what: string, cause?: unknown) {
    super('chain.insufficient-funds', `Account ${account} has too little balance for ${what}.`, {
      details: 'Fees and deposits are paid in the chain native token; fund the account first.',
      cause,
      meta: { account },
    })
  }
}

/** A hotkey acted on a subnet it is not registered on (or in the wrong role). */
export class NotRegisteredError extends BaseError {
  override name = 'NotRegisteredError'
  constructor(hotkey: string, netuid: number, role?: string) {
    super('chain.not-registered', `${hotkey} is not registered${role ? ` as a ${role}` : ''} on subnet ${netuid}.`, {
      details: 'Register first (the registration remark is batched with the fee).',
      meta: { hotkey, netuid },
    })
  }
}

/** A record would land outside the window where it counts. */
export class WindowClosedError extends BaseError {
  override name = 'WindowClosedError'
  constructor(record: string, round: number, block: number, start: number, graceEnd: number) {
    const when = block < start ? 'has not opened yet' : 'has closed'
    super('chain.window-closed', `The ${record} window of round ${round} ${when} (next block ${block}).`, {
      details: `It counts for blocks ${start}..${graceEnd}; a record outside would be ignored by everyone.`,
      meta: { record, round, block, start, graceEnd },
    })
  }
}

/** A subnet with this netuid (or its asset id) already exists. */
export class SubnetExistsError extends BaseError {
  override name = 'SubnetExistsError'
  constructor(what: string) {
    super('chain.subnet-exists', `${what} already exists on this chain.`, {
      details: 'Choose another netuid / asset id.',
    })
  }
}

/** No subnet with this netuid exists (no `uniques` class, or no document CID in its metadata). */
export class SubnetNotFoundError extends BaseError {
  override name = 'SubnetNotFoundError'
  constructor(netuid: number, reason: string) {
    super('chain.subnet-not-found', `Subnet ${netuid} was not found: ${reason}.`, { meta: { netuid } })
  }
}

/** Every uid is taken and none can be replaced yet. */
export class SubnetFullError extends BaseError {
  override name = 'SubnetFullError'
  constructor(netuid: number, maxUids: number) {
    super('chain.subnet-full', `Subnet ${netuid} has all ${maxUids} uids taken and none is past immunity.`)
  }
}

/** The round was settled before: its `uniques` item exists, so the settle changed nothing. */
export class AlreadySettledError extends BaseError {
  override name = 'AlreadySettledError'
  constructor(netuid: number, round: number, cause?: unknown) {
    super('chain.already-settled', `Round ${round} of subnet ${netuid} is already settled; nothing was paid twice.`, {
      cause,
      meta: { netuid, round },
    })
  }
}

/** The proposed settle call differs from the one this node computed; `differences` names each. */
export class SettlementMismatchError extends BaseError {
  override name = 'SettlementMismatchError'
  readonly differences: string[]
  constructor(round: number, differences: string[]) {
    super('chain.settlement-mismatch', `The proposed settlement of round ${round} differs from ours; not approving.`, {
      details:
        differences.slice(0, 10).join('; ') + (differences.length > 10 ? `; … ${differences.length - 10} more` : ''),
      meta: { round, differences },
    })
    this.differences = differences
  }
}

/** A call read from the chain is not a settle call of the expected shape. */
export class InvalidSettleCallError extends BaseError {
  override name = 'InvalidSettleCallError'
  constructor(reason: string) {
    super('chain.invalid-settle-call', `Not a settle call: ${reason}.`)
  }
}

/** The call executed by the treasury failed inside (only `ProxyExecuted` tells). */
export class TreasuryCallFailedError extends BaseError {
  override name = 'TreasuryCallFailedError'
  readonly errorName: string
  constructor(errorName: string, docs: string) {
    super('chain.treasury-call-failed', `The treasury call failed inside: ${errorName}.`, {
      details: docs || undefined,
      meta: { errorName },
    })
    this.errorName = errorName
  }
}

/** The runtime lacks a call or storage item the protocol needs. */
export class UnsupportedRuntimeError extends BaseError {
  override name = 'UnsupportedRuntimeError'
  constructor(what: string) {
    super('chain.unsupported-runtime', `This chain's runtime does not offer ${what}.`, {
      details: 'crowdtrain needs system, utility, multisig, proxy, assets and uniques (design §5).',
    })
  }
}
