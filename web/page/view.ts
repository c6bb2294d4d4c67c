import type { MinerProgress } from '../../miner/index.ts'

/** What the page shows; every field is text the page sets with textContent (never HTML). */
export type MinerView = {
  subnet: string
  address: string
  balance: string
  backend: string
  state: string
  round: string
  phase: string
  steps: string
  loss: string
  tokensPerSec: string
  cid: string
  commit: string
  reveal: string
  rewards: string
  error: string
}

const LABELS: Record<keyof MinerView, string> = {
  subnet: 'Subnet',
  address: 'Your hotkey',
  balance: 'Balance',
  backend: 'Compute',
  state: 'Miner',
  round: 'Round',
  phase: 'Doing',
  steps: 'Inner steps',
  loss: 'Training loss',
  tokensPerSec: 'Tokens/s',
  cid: 'Delta CID',
  commit: 'Commit',
  reveal: 'Reveal',
  rewards: 'Rewards claimed',
  error: 'Last problem',
}

/** One row of the results table: what validators made of a round's delta. */
export type RoundResult = { round: number; accepted: boolean; score: string; reward: string; reasons: string }

/** The page's DOM: a status table, a results table and a log, built once. */
export function createView(root: HTMLElement): {
  set(patch: Partial<MinerView>): void
  results(rows: readonly RoundResult[]): void
  log(line: string): void
} {
  const cells = new Map<keyof MinerView, HTMLElement>()
  const table = document.createElement('table')
  table.id = 'status'
  for (const key of Object.keys(LABELS) as (keyof MinerView)[]) {
    const tr = table.insertRow()
    const th = document.createElement('th')
    th.textContent = LABELS[key]
    tr.append(th)
    const td = tr.insertCell()
    td.id = `v-${key}`
    td.textContent = '—'
    cells.set(key, td)
  }
  const results = document.createElement('table')
  results.id = 'results'
  const logBox = document.createElement('pre')
  logBox.id = 'log'
  root.append(table, heading('Your rounds, as validators judged them'), results, heading('Log'), logBox)
  return {
    set(patch) {
      for (const [k, v] of Object.entries(patch)) {
        const cell = cells.get(k as keyof MinerView)
        if (cell && v !== undefined) cell.textContent = v
      }
    },
    results(rows) {
      results.replaceChildren()
      const head = results.insertRow()
      for (const h of ['Round', 'In checkpoint', 'Score', 'Reward', "Validators' reasons"]) {
        const th = document.createElement('th')
        th.textContent = h
        head.append(th)
      }
      for (const r of rows) {
        const tr = results.insertRow()
        tr.className = 'result'
        for (const v of [String(r.round), r.accepted ? 'yes' : 'no', r.score, r.reward, r.reasons])
          tr.insertCell().textContent = v
      }
    },
    log(line) {
      logBox.textContent = `${line}\n${logBox.textContent ?? ''}`.slice(0, 20_000)
    },
  }
}

function heading(text: string): HTMLElement {
  const h = document.createElement('h2')
  h.textContent = text
  return h
}

/** Folds one progress event of the miner into the view's fields (tokens/s from the time between steps). */
export function progressFields(
  p: MinerProgress,
  memo: { lastStepAt?: number; tokensPerStep?: number },
  now: number,
): Partial<MinerView> {
  const out: Partial<MinerView> = { phase: p.phase + (p.message ? ` (${p.message})` : '') }
  if (p.round !== null) out.round = String(p.round)
  if (p.tokensPerStep !== undefined) memo.tokensPerStep = p.tokensPerStep
  if (p.phase === 'train' && p.step !== undefined && p.steps !== undefined) {
    out.steps = `${p.step} / ${p.steps}`
    if (p.step > 0 && memo.lastStepAt !== undefined && memo.tokensPerStep !== undefined)
      out.tokensPerSec = ((memo.tokensPerStep * 1000) / Math.max(1, now - memo.lastStepAt)).toFixed(0)
    memo.lastStepAt = now
  }
  if (p.loss !== undefined) out.loss = p.loss.toFixed(4)
  if (p.cid !== undefined) out.cid = p.cid
  if (p.phase === 'commit') out.commit = `round ${p.round}: ${p.message ?? 'sent'}`
  if (p.phase === 'reveal') out.reveal = `round ${p.round}: ${p.message ?? 'sent'}`
  return out
}
