import { BaseError } from '../../shared/errors/index.ts'

/** A round that has no settlement on chain (not settled yet, void, or never existed). */
export class RoundNotSettledError extends BaseError {
  override name = 'RoundNotSettledError'
  constructor(netuid: number, round: number, settled: readonly number[]) {
    const known = settled.length === 0 ? 'no round is settled yet' : `settled rounds: ${listRounds(settled)}`
    super('checkpoint.round-not-settled', `Round ${round} of subnet ${netuid} is not settled on chain.`, {
      details: `${known}. A round is settled once uniques item <round> of class ${netuid} exists.`,
      meta: { netuid, round },
    })
  }
}

/** A subnet with no settled round at all, where a command needs one. */
export class NoSettledRoundError extends BaseError {
  override name = 'NoSettledRoundError'
  constructor(netuid: number) {
    super('checkpoint.no-settled-round', `Subnet ${netuid} has no settled round yet.`, {
      details: 'Wait for the first round to settle (crowdtrain checkpoint list shows them).',
      meta: { netuid },
    })
  }
}

/** Content a command needs that could not be fetched from any peer in time. */
export class ContentUnavailableError extends BaseError {
  override name = 'ContentUnavailableError'
  constructor(what: string, cid: string, reason: string, cause?: unknown) {
    super('checkpoint.unavailable', `Could not fetch the ${what} ${cid}: ${reason}.`, {
      details: 'Give a peer that holds it with --peer MULTIADDR, or a Kubo daemon with --ipfs-api URL.',
      cause,
      meta: { what, cid },
    })
  }
}

/** A round ledger that does not belong where the chain says it does (wrong round or subnet). */
export class LedgerMismatchError extends BaseError {
  override name = 'LedgerMismatchError'
  constructor(cid: string, reason: string) {
    super('checkpoint.ledger-mismatch', `The round ledger ${cid} does not match the chain: ${reason}.`, {
      meta: { cid },
    })
  }
}

/** A TensorFlow.js model directory that does not parse or does not hold what its model.json says. */
export class InvalidTfjsModelError extends BaseError {
  override name = 'InvalidTfjsModelError'
  constructor(reason: string, cause?: unknown) {
    super('checkpoint.invalid-tfjs-model', `The TensorFlow.js model is invalid: ${reason}.`, { cause })
  }
}

/** A local checkpoint directory (`--dir`) that is missing files or whose files do not parse. */
export class InvalidLocalCheckpointError extends BaseError {
  override name = 'InvalidLocalCheckpointError'
  constructor(dir: string, reason: string, cause?: unknown) {
    super('checkpoint.invalid-local', `The checkpoint in ${dir} is unusable: ${reason}.`, { cause, meta: { dir } })
  }
}

/** `checkpoint sample` on a task that is not a language model. */
export class NotATextTaskError extends BaseError {
  override name = 'NotATextTaskError'
  constructor(task: string) {
    super('checkpoint.not-text', `Task ${task} is not a text task, so its checkpoint cannot generate text.`, {
      details: 'checkpoint sample works on language-model tasks: moby-char, sotu-char, text:<file>.',
      meta: { task },
    })
  }
}

/** Rounds as short text: "0, 1, 2" or "0 … 41 (42 rounds)". */
function listRounds(rounds: readonly number[]): string {
  if (rounds.length <= 8) return rounds.join(', ')
  return `${rounds[0]} … ${rounds.at(-1)} (${rounds.length} rounds)`
}

/** No IPFS peer could be reached, so nothing can be fetched (fails at once instead of after each timeout). */
export class NoReachablePeerError extends BaseError {
  override name = 'NoReachablePeerError'
  constructor(tried: number) {
    super(
      'checkpoint.no-peer',
      tried === 0
        ? 'No IPFS peer is registered on the subnet.'
        : `None of the ${tried} IPFS peer addresses could be dialled.`,
      {
        details: 'Give a peer that holds the checkpoints with --peer MULTIADDR, or a Kubo daemon with --ipfs-api URL.',
        meta: { tried },
      },
    )
  }
}

/** The folder `checkpoint pull --out` names cannot take the checkpoint. */
export class OutputFolderError extends BaseError {
  override name = 'OutputFolderError'
  constructor(out: string, reason: string, cause?: unknown) {
    super('checkpoint.out', `Cannot write the checkpoint into ${out}: ${reason}.`, {
      details: 'Pass --out with a folder this user can write (it is created when missing).',
      cause,
    })
  }
}
