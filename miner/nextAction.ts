import type { RoundWindows } from '../chain/protocol/index.ts'
import type { RoundEntry } from './stateStore.ts'

/** What the miner should do next for one round. */
export type MinerAction =
  /** Nothing persisted and the commit window is open: train, add the delta, then commit. */
  | { kind: 'train' }
  /** A delta is stored but its commit has not landed, and the commit window is still open. */
  | { kind: 'commit'; entry: RoundEntry }
  /** The commit landed and the reveal window is open. */
  | { kind: 'reveal'; entry: RoundEntry }
  /** Too early: look again once the finalized head reaches `head`. */
  | { kind: 'wait'; head: number; reason: string }
  /** The window for the next step closed: nothing more can count for this round. */
  | { kind: 'give-up'; reason: string }
  /** Revealed (or given up before): nothing left to send. */
  | { kind: 'done' }

/** The inputs of `nextAction`. */
export type NextActionParameters = {
  /** The round's blocks (`schedule.forRound(round)`). */
  windows: RoundWindows
  /** What was persisted for this round, if anything. */
  entry?: RoundEntry
  /** The finalized head. */
  head: number
}

/**
 * The miner's resume logic as a pure function (design §2; docs/network.md steps 1–2). A record is
 * sent only when the block it would land in (head + 1) is inside its window, grace included — the
 * same rule `submitRecord` enforces — so nothing is ever paid for outside a window. Training needs
 * the hash of the round's train block (its first block, or the round before's when rounds are
 * pipelined), so it starts once that block is final.
 */
export function nextAction(p: NextActionParameters): MinerAction {
  const { windows: w, entry, head } = p
  const next = head + 1
  if (entry?.gaveUp !== undefined) return { kind: 'done' }
  if (entry === undefined) {
    if (head < w.trainBlock) return { kind: 'wait', head: w.trainBlock, reason: 'the round has not started' }
    if (next > w.commit.graceEnd)
      return { kind: 'give-up', reason: `the commit window closed at block ${w.commit.graceEnd} before training began` }
    return { kind: 'train' }
  }
  if (entry.committedAt === undefined) {
    if (next < w.commit.start)
      return { kind: 'wait', head: w.commit.start - 1, reason: 'the commit window is not open' }
    if (next > w.commit.graceEnd)
      return { kind: 'give-up', reason: `the commit window closed at block ${w.commit.graceEnd} before the commit` }
    return { kind: 'commit', entry }
  }
  if (entry.revealedAt === undefined) {
    if (next < w.reveal.start)
      return { kind: 'wait', head: w.reveal.start - 1, reason: 'the reveal window is not open' }
    if (next > w.reveal.graceEnd)
      return { kind: 'give-up', reason: `the reveal window closed at block ${w.reveal.graceEnd} before the reveal` }
    return { kind: 'reveal', entry }
  }
  return { kind: 'done' }
}
