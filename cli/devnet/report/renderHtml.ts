import { tokens } from '../renderRound.ts'
import { escapeHtml } from './escapeHtml.ts'
import type { ReportData, ReportRound } from './reportData.ts'
import { barChart, formatNumber, lineChart } from './svgCharts.ts'

// Nothing may load from anywhere: no scripts at all, styles only inline.
const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"

const STYLE = `
body { font-family: system-ui, sans-serif; margin: 24px; color: #222; max-width: 1100px; }
h1 { font-size: 22px; margin-bottom: 4px; } h2 { font-size: 17px; margin-top: 28px; }
.meta { color: #555; font-size: 13px; } code { font-size: 12px; }
table { border-collapse: collapse; font-size: 13px; margin-top: 8px; }
th, td { border: 1px solid #ccc; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f3f3f3; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.zero td { background: #fff4f0; } ul.reasons { margin: 0; padding-left: 16px; }
.note { color: #a33; font-size: 13px; }
td code { word-break: break-all; } svg.chart { max-width: 100%; height: auto; }
`

/** report.html: a self-contained page (inline CSS and SVG, no script, no network) from the report's data. */
export function renderHtml(data: ReportData): string {
  const seconds = (data.elapsedMs / 1000).toFixed(1)
  const loss = lineChart(data.loss, {
    title: 'Report-split loss before the first round and after each',
    yLabel: 'loss (nats)',
  })
  const rewards = barChart(
    data.rounds.map((r) => ({
      label: `round ${r.round}`,
      values: data.miners.map((m) => r.miners.find((x) => x.hotkey === m.hotkey)?.rewardTokens ?? 0),
    })),
    data.miners.map((m) => m.label),
    { title: 'Rewards per miner per round', yLabel: 'reward (tokens)' },
  )
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<title>crowdtrain devnet report</title>
<style>${STYLE}</style>
</head>
<body>
<h1>crowdtrain devnet report</h1>
<p class="meta">${data.rounds.length} round(s) settled in ${seconds} s · netuid ${data.netuid} · run folder <code>${escapeHtml(data.dir)}</code> · written ${escapeHtml(data.generatedAt)}</p>
${data.failure === undefined ? '' : `<p class="note failure">The devnet stopped before its last round: ${escapeHtml(data.failure)}</p>`}
${data.voidRounds.map((v) => `<p class="note">Round ${v.round} was void (not settled): ${escapeHtml(v.reason)}</p>`).join('\n')}
<section id="loss"><h2>Loss</h2>
${loss}
</section>
<section id="rewards"><h2>Rewards</h2>
${rewards}
</section>
<section id="scores"><h2>Miners' scores</h2>
<p class="meta">Score: mean of the validators' revealed weights; reasons: what the validators' signed score reports say (every zero has one).</p>
${scoreTable(data.rounds)}
${data.rounds.map(unread).join('\n')}
</section>
<section id="validators"><h2>Validators</h2>
${validatorTable(data.rounds)}
</section>
<section id="ledgers"><h2>Checkpoints and ledgers</h2>
${roundTable(data.rounds)}
</section>
</body>
</html>
`
}

const yes = (b: boolean) => (b ? 'yes' : 'no')
const cell = (v: string | number, num = false) => `<td${num ? ' class="num"' : ''}>${escapeHtml(v)}</td>`

function table(id: string, head: readonly string[], rows: readonly string[]): string {
  return [
    `<table id="${id}">`,
    `<thead><tr>${head.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead>`,
    `<tbody>${rows.join('\n')}</tbody>`,
    '</table>',
  ].join('\n')
}

function scoreTable(rounds: readonly ReportRound[]): string {
  const head = ['round', 'miner', 'uid', 'revealed', 'accepted', 'score', 'incentive', 'reward', 'claimed', 'reasons']
  const rows = rounds.flatMap((r) =>
    r.miners.map((m) => {
      const reasons =
        m.reasons.length === 0
          ? '—'
          : `<ul class="reasons">${m.reasons
              .map(
                (x) =>
                  `<li><b>${escapeHtml(x.validator)}</b> (score ${formatNumber(x.score)}): ${escapeHtml(x.reason)}</li>`,
              )
              .join('')}</ul>`
      return [
        `<tr class="${m.score === 0 ? 'zero' : 'scored'}">`,
        cell(r.round, true),
        `<td title="${escapeHtml(m.hotkey)}">${escapeHtml(m.label)}</td>`,
        cell(m.uid, true),
        cell(yes(m.revealed)),
        cell(yes(m.accepted)),
        cell(m.score.toFixed(4), true),
        cell(m.incentive.toFixed(4), true),
        cell(tokens(m.reward), true),
        cell(yes(m.claimed)),
        `<td class="reasons">${reasons}</td>`,
        '</tr>',
      ].join('')
    }),
  )
  return table('score-table', head, rows)
}

function unread(r: ReportRound): string {
  return r.unreadReports
    .map(
      (u) =>
        `<p class="note">Round ${r.round}: the score report of ${escapeHtml(u.validator)} (<code>${escapeHtml(u.cid)}</code>) could not be read: ${escapeHtml(u.reason)}</p>`,
    )
    .join('\n')
}

function validatorTable(rounds: readonly ReportRound[]): string {
  const rows = rounds.flatMap((r) =>
    r.validators.map((v) =>
      [
        '<tr>',
        cell(r.round, true),
        `<td title="${escapeHtml(v.hotkey)}">${escapeHtml(v.label)}</td>`,
        cell(v.uid, true),
        cell(yes(v.revealed)),
        cell(v.dividends.toFixed(4), true),
        cell(tokens(v.reward), true),
        cell(yes(v.claimed)),
        '</tr>',
      ].join(''),
    ),
  )
  return table('validator-table', ['round', 'validator', 'uid', 'revealed', 'dividends', 'reward', 'claimed'], rows)
}

function roundTable(rounds: readonly ReportRound[]): string {
  const rows = rounds.map((r) =>
    [
      '<tr>',
      cell(r.round, true),
      cell(r.lossBefore.toFixed(4), true),
      cell(r.lossAfter.toFixed(4), true),
      `<td><code>${escapeHtml(r.checkpointCid)}</code></td>`,
      `<td><code>${escapeHtml(r.ledgerCid)}</code></td>`,
      cell(tokens(r.minted), true),
      cell(tokens(r.ownerReward), true),
      '</tr>',
    ].join(''),
  )
  return table('round-table', ['round', 'loss before', 'loss after', 'checkpoint', 'ledger', 'minted', 'owner'], rows)
}
