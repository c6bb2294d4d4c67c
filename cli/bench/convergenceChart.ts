import { writeFile } from 'node:fs/promises'
import { escapeHtml, multiLineChart } from '../devnet/report/index.ts'

/** What the convergence chart shows: the loss of the three runs after every round's tokens. */
export type ConvergenceChartData = {
  initial: number
  tokensByRound: readonly number[]
  lossByRound: { ddp: readonly number[]; singleNode: readonly number[]; network: readonly number[] }
  preset: string
  miners: number
}

/** The chart page: report-split loss against training tokens for data-parallel, one node and the network. */
export function convergencePage(d: ConvergenceChartData): string {
  const labels = ['0', ...d.tokensByRound.map((t) => `${Math.round(t / 1000)}k`)]
  const chart = multiLineChart(
    labels,
    [
      { name: `data-parallel (${d.miners} workers)`, values: [d.initial, ...d.lossByRound.ddp] },
      { name: 'one node', values: [d.initial, ...d.lossByRound.singleNode] },
      { name: `network (${d.miners} miners)`, values: [d.initial, ...d.lossByRound.network] },
    ],
    { title: 'Report-split loss against training tokens', yLabel: 'loss (nats)' },
  )
  return [
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>crowdtrain bench convergence</title></head>',
    '<body style="font-family: sans-serif">',
    `<h1>bench convergence — preset ${escapeHtml(d.preset)}, ${d.miners} miners, ${d.tokensByRound.length} rounds</h1>`,
    chart,
    '</body></html>',
  ].join('\n')
}

/** Writes the chart page to `path`. */
export async function writeChart(path: string, d: ConvergenceChartData): Promise<void> {
  await writeFile(path, convergencePage(d))
}
