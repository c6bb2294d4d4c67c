import { join } from 'node:path'
import { table } from '../output.ts'
import type { Participant, TickResult } from './DevnetClock.ts'
import { formatProgress, readProgress } from './readProgress.ts'
import type { RoundSummary } from './summarizeRound.ts'

/** Decimals of the subnet asset (design: 1 token = 10¹² of its smallest unit). */
const DECIMALS = 12n

/** A round's summary as a few lines for a person at a terminal. */
export function renderRound(s: RoundSummary, elapsedMs: number): string {
  const head =
    `round ${s.round} settled after ${(elapsedMs / 1000).toFixed(1)} s — report loss ` +
    `${s.lossBefore.toFixed(4)} → ${s.lossAfter.toFixed(4)}, checkpoint ${s.checkpointCid}`
  const miners = table(
    ['miner', 'uid', 'revealed', 'accepted', 'score', 'incentive', 'reward', 'claimed'],
    s.miners.map((m) => [
      m.name ?? short(m.hotkey),
      m.uid,
      yes(m.revealed),
      yes(m.accepted),
      m.score.toFixed(4),
      m.incentive.toFixed(4),
      tokens(m.reward),
      claimState(m.reward, m.claimed),
    ]),
  )
  const validators = table(
    ['validator', 'uid', 'revealed', 'dividends', 'reward', 'claimed'],
    s.validators.map((v) => [
      v.name ?? short(v.hotkey),
      v.uid,
      yes(v.revealed),
      v.dividends.toFixed(4),
      tokens(v.reward),
      claimState(v.reward, v.claimed),
    ]),
  )
  return `${head}\n${miners}\n${validators}\n`
}

/** The clock's state in one line: block, round and window, who it waits for, the miners' training. */
export function statusLine(t: TickResult, participants: readonly Participant[], dir: string): string {
  const progress = participants
    .map((x) => ({ name: x.name, p: readProgress(join(dir, x.name, 'log.jsonl')) }))
    .filter((x) => x.p !== null)
    .map((x) => `${x.name} ${formatProgress(x.p as NonNullable<typeof x.p>)}`)
  const where = t.round === null ? 'before genesis' : `round ${t.round} ${t.window}`
  const names = t.waitingFor.map((h) => participants.find((x) => x.address === h)?.name ?? h)
  const waiting = names.length > 0 ? ` · waiting for ${names.join(', ')}` : ''
  return `block ${t.head} · ${where}${waiting}${progress.length ? ` · ${progress.join(' · ')}` : ''}`
}

/** An amount in the smallest unit as tokens with 4 decimals. */
export function tokens(amount: string): string {
  const v = BigInt(amount)
  const whole = v / 10n ** DECIMALS
  const frac = ((v % 10n ** DECIMALS) * 10_000n) / 10n ** DECIMALS
  return `${whole}.${frac.toString().padStart(4, '0')}`
}

function short(hotkey: string): string {
  return hotkey.length > 12 ? `${hotkey.slice(0, 6)}…${hotkey.slice(-4)}` : hotkey
}

function yes(b: boolean): string {
  return b ? 'yes' : 'no'
}

// The table is printed as the round settles, before anyone could claim: an unclaimed reward is
// `pending` (claims follow; the closing line and report.json say how many were claimed).
function claimState(reward: string, claimed: boolean): string {
  if (reward === '0') return '-'
  return claimed ? 'yes' : 'pending'
}

/** How many positive rewards of the settled rounds were claimed, for the devnet's closing line. */
export function claimCount(rounds: readonly RoundSummary[]): { claimed: number; rewards: number } {
  const all = rounds.flatMap((r) => [...r.miners, ...r.validators]).filter((x) => x.reward !== '0')
  return { claimed: all.filter((x) => x.claimed).length, rewards: all.length }
}
