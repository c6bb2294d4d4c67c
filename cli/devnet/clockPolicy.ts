import type { RecordType, RoundSchedule, WindowName } from '../../chain/protocol/index.ts'

/** A round record seen on chain (counted by `collectRound`) or waiting in the tx pool. */
export type SeenAction = { type: RecordType; round: number; hotkey: string }

/** What the devnet's clock knows at one tick. */
export type ClockInput = {
  /** The subnet's round clock; null while the subnet does not exist yet. */
  schedule: RoundSchedule | null
  /** The head block number. */
  head: number
  /** Records counted on chain (only their type, round and signer matter). */
  included: readonly SeenAction[]
  /** Records in the tx pool. */
  pending: readonly SeenAction[]
  /** Extrinsics in the tx pool, records or not (registrations, settle proposals, claims...). */
  poolSize: number
  /**
   * Hotkeys of the live, registered participants the devnet waits for: miners that commit this
   * round, validators, and miners that reveal without a commit (the copy-late adversary).
   */
  expected: { miners: readonly string[]; validators: readonly string[]; revealOnly?: readonly string[] }
  /** Round records that landed on chain whether they counted or not (a reveal without a commit). */
  attempted?: readonly SeenAction[]
  /** False until every participant has registered: only transactions move the clock before that. */
  ready: boolean
  /** Rounds with a settled item on chain. */
  settled: ReadonlySet<number>
  /** Milliseconds: the current time, and when the window of the next block became current. */
  now: number
  windowSince: number
  /** How long the clock waits for a window before it moves on anyway. */
  timeoutMs: number
  /** Approvals a settlement needs: with fewer live validators the round cannot settle now (void-round chaos). */
  threshold?: number
  /** Validators that commit but never reveal on purpose (`--faulty-validator no-reveal`): not waited for. */
  neverReveal?: readonly string[]
  /**
   * Round r − 1 (r the round of the next block) near its void deadline, the last block of round r,
   * when it is not settled: it settles late when its settle phase went by without enough live
   * validators (a `void-round` fault kills them until round r − 2's deadline). Read only for the
   * two blocks before that deadline.
   */
  previous?: PreviousSettlement
}

/** How far round r − 1's late settlement has come (read from the chain and the pool). */
export type PreviousSettlement = {
  round: number
  /** A weights reveal counted: there is something to settle. */
  hadReveals: boolean
  /** A settle call of the round has its first approval on chain. */
  proposed: boolean
  /** A first approval waits in the pool. */
  proposalPending: boolean
  /** Approvals in the pool reach the threshold with those on chain: the next block settles the round. */
  completing: boolean
}

/** The clock's decision and why (for logs and the live table). */
export type ClockDecision = {
  build: boolean
  reason: string
  /** Round and window of the next block; null before genesis or without a subnet. */
  round: number | null
  window: WindowName | 'settle' | null
  /** Hotkeys whose action is still missing (empty when not waiting on anyone). */
  waitingFor: string[]
}

const RECORD_OF: Record<WindowName, RecordType> = {
  commit: 'delta-commit',
  reveal: 'delta-reveal',
  evaluate: 'weights-commit',
  weightsReveal: 'weights-reveal',
}

/**
 * The devnet's waiting block clock (docs/network.md): a pure function of what is on chain, what is
 * pending and the time, so a slow machine makes a slow devnet rather than a broken one. Let next =
 * head + 1 and W its window:
 * - W's first block is always built: participants act only once a window has opened.
 * - inside W: build when the pool holds something or every expected action of W is included;
 * - in W's grace blocks: build only when every expected action is pending or included;
 * - settle phase: build when the pool holds something, the round is settled, no weights reveal
 *   counted (nothing to settle), or fewer validators live than a settlement needs;
 * - round r − 1 settling late (`previous`): its void deadline is round r's last block d; block d − 1
 *   waits until its first approval is on chain or pending, block d until the pending approvals
 *   complete it — pool or not, since a block of other transactions would use up the deadline;
 * - in any case, build once W has waited longer than the timeout.
 */
export function clockDecision(input: ClockInput): ClockDecision {
  const next = input.head + 1
  const where = input.schedule?.windowAt(next) ?? null
  const timedOut = input.now - input.windowSince >= input.timeoutMs
  const decide = (build: boolean, reason: string, waitingFor: string[] = []): ClockDecision => ({
    build,
    reason,
    round: where?.round ?? null,
    window: where?.window ?? null,
    waitingFor: build ? [] : waitingFor,
  })
  const late = timedOut ? null : lateSettlement(input, next, where?.round)
  if (late) return decide(false, late, ['settle'])
  if (input.poolSize > 0 && !where?.inGrace) return decide(true, 'transactions pending')
  if (!input.ready) return decide(false, 'waiting for every participant to register')
  if (!input.schedule || !where) return decide(true, 'before genesis')
  const w = input.schedule.forRound(where.round)
  if (where.window === 'settle') {
    if (input.settled.has(where.round)) return decide(true, 'round settled')
    // Without a counted weights reveal there is nothing to settle: the round is void.
    if (!input.included.some((a) => a.type === 'weights-reveal' && a.round === where.round))
      return decide(true, 'nothing to settle')
    if (input.threshold !== undefined && input.expected.validators.length < input.threshold)
      return decide(true, 'too few live validators to settle')
    if (timedOut) return decide(true, 'settle timeout')
    return decide(false, 'waiting for the settlement', ['settle'])
  }
  const win = w[where.window]
  if (next === win.start) return decide(true, `${where.window} window opens`)
  const missingIncluded = missing(input, where.window, where.round, input.included)
  if (!where.inGrace) {
    if (missingIncluded.length === 0) return decide(true, `every ${RECORD_OF[where.window]} included`)
    if (timedOut) return decide(true, `${where.window} timeout`)
    return decide(false, `waiting for ${RECORD_OF[where.window]}`, missingIncluded)
  }
  const missingAnywhere = missing(input, where.window, where.round, [...input.included, ...input.pending])
  if (missingAnywhere.length === 0) return decide(true, `every ${RECORD_OF[where.window]} pending or included`)
  if (timedOut) return decide(true, `${where.window} timeout`)
  return decide(false, `grace: waiting for ${RECORD_OF[where.window]}`, missingAnywhere)
}

/**
 * Why block `next` must wait for round r − 1's late settlement (r = `round`), or null: r − 1 is
 * unsettled, had something to settle and enough live validators, and `next` is the block before its
 * deadline (its proposal must land there at the latest) or the deadline itself (its last approval).
 */
function lateSettlement(input: ClockInput, next: number, round: number | undefined): string | null {
  const p = input.previous
  if (!p || !input.ready || !input.schedule || round === undefined || p.round !== round - 1) return null
  if (input.settled.has(p.round) || !p.hadReveals) return null
  if (input.threshold !== undefined && input.expected.validators.length < input.threshold) return null
  const deadline = input.schedule.forRound(round).lastBlock
  if (next === deadline - 1 && !p.proposed && !p.proposalPending)
    return `waiting for round ${p.round}'s settle proposal (void after block ${deadline})`
  if (next === deadline && !p.completing)
    return `waiting for round ${p.round}'s late settlement (void after block ${deadline})`
  return null
}

/** The hotkeys expected to act in `window` of `round` that have no record in `seen`. */
export function expectedActors(input: ClockInput, window: WindowName, round: number): string[] {
  const did = (type: RecordType) =>
    new Set(input.included.filter((a) => a.type === type && a.round === round).map((a) => a.hotkey))
  switch (window) {
    case 'commit':
      return [...input.expected.miners]
    case 'reveal': {
      const committed = did('delta-commit')
      return [...input.expected.miners.filter((h) => committed.has(h)), ...(input.expected.revealOnly ?? [])]
    }
    case 'evaluate':
      return [...input.expected.validators]
    case 'weightsReveal': {
      const committed = did('weights-commit')
      const silent = new Set(input.neverReveal ?? [])
      return input.expected.validators.filter((h) => committed.has(h) && !silent.has(h))
    }
  }
}

function missing(input: ClockInput, window: WindowName, round: number, seen: readonly SeenAction[]): string[] {
  const type = RECORD_OF[window]
  const all = [...seen, ...(input.attempted ?? [])]
  const done = new Set(all.filter((a) => a.type === type && a.round === round).map((a) => a.hotkey))
  return expectedActors(input, window, round).filter((h) => !done.has(h))
}
