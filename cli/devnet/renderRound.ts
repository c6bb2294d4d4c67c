import { table } from '../output.ts'
import type { RoundSummary } from './summarizeRound.ts'

/** Decimals of the subnet asset (design: 1 token = 10¹² of its smallest unit). */
const DECIMALS = 12n

/** A round's summary as a few lines for a person at a terminal. */
export function renderRound(s: RoundSummary, elapsedMs: number): string {
  const head =
    `round ${s.round} settled after ${(elapsedMs / 1000).toFixed(1)} s — report loss ` +
    `${s.lossBefore.toFixed(4)} → ${s.lossAfter.toFixed(4)}, checkpoint ${s.checkpointCid}`
  const miners = table(
    ['miner', 'uid', 'score', 'incentive', 'reward', 'claimed'],
    s.miners.map((m) => [
      short(m.hotkey),
      m.uid,
      m.score.toFixed(4),
      m.incentive.toFixed(4),
      tokens(m.reward),
      yes(m.claimed),
    ]),
  )
  const validators = table(
    ['validator', 'uid', 'revealed', 'dividends', 'reward', 'claimed'],
    s.validators.map((v) => [
      short(v.hotkey),
      v.uid,
      yes(v.revealed),
      v.dividends.toFixed(4),
      tokens(v.reward),
      yes(v.claimed),
    ]),
  )
  return `${head}\n${miners}\n${validators}\n`
}

/** A one-line status while the clock waits (block, window, who it waits for, miners' training progress). */
export function renderStatus(p: {
  head: number
  round: number | null
  window: string | null
  waitingFor: readonly string[]
  progress: readonly { name: string; text: string }[]
}): string {
  const where = p.round === null ? 'before genesis' : `round ${p.round} ${p.window}`
  const waiting = p.waitingFor.length > 0 ? ` waiting for ${p.waitingFor.map(short).join(', ')}` : ''
  const progress = p.progress.map((x) => `${x.name} ${x.text}`).join(' · ')
  return `block ${p.head} · ${where}${waiting}${progress ? ` · ${progress}` : ''}`
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
