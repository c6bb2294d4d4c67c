import { escapeHtml } from './escapeHtml.ts'

/** Colours of the bar series, in order (repeated past eight). */
export const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#17becf']
/** Colour of the loss line. */
export const LINE_COLOR = '#1f77b4'

/** One point of a line chart. */
export type LinePoint = { label: string; value: number }
/** One group of bars: its label and one value per series (missing = 0). */
export type BarGroup = { label: string; values: readonly number[] }
/** Title, axis label and size of a chart. */
export type ChartOptions = { title: string; yLabel: string; width?: number; height?: number }

const MARGIN = { left: 64, right: 20, top: 36, bottom: 56 }
const LEGEND_ROW = 22
const LEGEND_COLUMNS = 4

/** Tick values covering [lo, hi] at a round step (1, 2 or 5 × 10ⁿ), at most `count` intervals. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) [lo, hi] = [lo - 0.5, hi + 0.5]
  const pow = 10 ** Math.floor(Math.log10((hi - lo) / count))
  const intervals = (step: number) => Math.ceil(hi / step - 1e-9) - Math.floor(lo / step + 1e-9)
  const step = ([1, 2, 5, 10, 20].map((m) => m * pow).find((s) => intervals(s) <= count) ?? 20 * pow) as number
  const first = Math.floor(lo / step + 1e-9)
  return Array.from({ length: intervals(step) + 1 }, (_, i) => Number(((first + i) * step).toPrecision(12)))
}

/** A number for a label: at most 4 significant digits, no exponent for the sizes charts show. */
export function formatNumber(v: number): string {
  if (v === 0) return '0'
  return Math.abs(v) >= 1e4 ? v.toFixed(0) : String(Number(v.toPrecision(4)))
}

const px = (v: number) => v.toFixed(1)

type Frame = { width: number; height: number; plotW: number; plotH: number; y: (v: number) => number }

// The frame of a chart: title, y axis with grid lines at the ticks, the y label; returns the SVG and a scale.
function frame(opts: ChartOptions, ticks: number[], kind: string, legendRows = 0): { svg: string[]; f: Frame } {
  const width = opts.width ?? 720
  const height = (opts.height ?? 320) + LEGEND_ROW * legendRows
  const plotW = width - MARGIN.left - MARGIN.right
  const plotH = height - MARGIN.top - MARGIN.bottom - LEGEND_ROW * legendRows
  const lo = ticks[0]
  const hi = ticks[ticks.length - 1]
  const y = (v: number) => MARGIN.top + plotH - ((v - lo) / (hi - lo)) * plotH
  const svg = [
    `<svg class="chart ${kind}" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeHtml(opts.title)}">`,
    `<title>${escapeHtml(opts.title)}</title>`,
    `<text class="chart-title" x="${width / 2}" y="20" text-anchor="middle" font-size="15" font-weight="bold">${escapeHtml(opts.title)}</text>`,
    `<text x="14" y="${MARGIN.top + plotH / 2}" font-size="12" text-anchor="middle" transform="rotate(-90 14 ${MARGIN.top + plotH / 2})">${escapeHtml(opts.yLabel)}</text>`,
  ]
  for (const t of ticks) {
    svg.push(
      `<line x1="${MARGIN.left}" x2="${MARGIN.left + plotW}" y1="${px(y(t))}" y2="${px(y(t))}" stroke="#ddd" stroke-width="1"/>`,
      `<text x="${MARGIN.left - 6}" y="${px(y(t) + 4)}" font-size="11" text-anchor="end">${formatNumber(t)}</text>`,
    )
  }
  svg.push(
    `<line x1="${MARGIN.left}" x2="${MARGIN.left}" y1="${MARGIN.top}" y2="${MARGIN.top + plotH}" stroke="#444"/>`,
    `<line x1="${MARGIN.left}" x2="${MARGIN.left + plotW}" y1="${MARGIN.top + plotH}" y2="${MARGIN.top + plotH}" stroke="#444"/>`,
  )
  return { svg, f: { width, height, plotW, plotH, y } }
}

/**
 * A line chart as inline SVG: one `path.line` through the points (non-finite values are left out),
 * a dot with a tooltip and its value above each point, the labels under the x axis.
 */
export function lineChart(points: readonly LinePoint[], opts: ChartOptions): string {
  const shown = points.filter((p) => Number.isFinite(p.value))
  const values = shown.map((p) => p.value)
  const ticks = niceTicks(Math.min(...values, Number.POSITIVE_INFINITY), Math.max(...values, Number.NEGATIVE_INFINITY))
  const safeTicks = ticks.every(Number.isFinite) ? ticks : [0, 1]
  const { svg, f } = frame(opts, safeTicks, 'line-chart')
  if (shown.length === 0) return [...svg, noData(f), '</svg>'].join('\n')
  // Inset from both ends so the first and last labels fit.
  const inset = Math.min(48, f.plotW / 4)
  const x = (i: number) =>
    MARGIN.left + inset + (shown.length === 1 ? f.plotW / 2 - inset : (i / (shown.length - 1)) * (f.plotW - 2 * inset))
  const d = shown.map((p, i) => `${i === 0 ? 'M' : 'L'}${px(x(i))},${px(f.y(p.value))}`).join(' ')
  svg.push(`<path class="line" d="${d}" fill="none" stroke="${LINE_COLOR}" stroke-width="2.5"/>`)
  shown.forEach((p, i) => {
    const label = `${escapeHtml(p.label)}: ${formatNumber(p.value)}`
    svg.push(
      `<circle class="point" cx="${px(x(i))}" cy="${px(f.y(p.value))}" r="4" fill="${LINE_COLOR}" data-value="${p.value}"><title>${label}</title></circle>`,
      `<text x="${px(x(i))}" y="${px(f.y(p.value) - 9)}" font-size="11" text-anchor="middle">${formatNumber(p.value)}</text>`,
      `<text x="${px(x(i))}" y="${f.height - MARGIN.bottom + 18}" font-size="12" text-anchor="middle">${escapeHtml(p.label)}</text>`,
    )
  })
  return [...svg, '</svg>'].join('\n')
}

/**
 * A grouped bar chart as inline SVG: per group one `rect.bar` per series (height 0 for a zero or
 * missing value, so every group has all its bars), a tooltip on each, group labels, a legend.
 */
export function barChart(groups: readonly BarGroup[], series: readonly string[], opts: ChartOptions): string {
  const value = (g: BarGroup, s: number) => {
    const v = g.values[s] ?? 0
    return Number.isFinite(v) && v > 0 ? v : 0
  }
  const max = Math.max(0, ...groups.flatMap((g) => series.map((_, s) => value(g, s))))
  const ticks = niceTicks(0, max > 0 ? max : 1)
  const { svg, f } = frame(opts, ticks, 'bar-chart', Math.ceil(series.length / LEGEND_COLUMNS))
  if (groups.length === 0 || series.length === 0) return [...svg, noData(f), '</svg>'].join('\n')
  const groupW = f.plotW / groups.length
  const barW = Math.max(2, (groupW * 0.8) / series.length)
  const base = f.y(0)
  groups.forEach((g, gi) => {
    const left = MARGIN.left + gi * groupW + groupW * 0.1
    series.forEach((name, s) => {
      const v = value(g, s)
      const top = f.y(v)
      svg.push(
        `<rect class="bar" data-series="${escapeHtml(name)}" data-group="${escapeHtml(g.label)}" data-value="${v}" x="${px(left + s * barW)}" y="${px(top)}" width="${px(barW - 1)}" height="${px(base - top)}" fill="${PALETTE[s % PALETTE.length]}"><title>${escapeHtml(name)}, ${escapeHtml(g.label)}: ${formatNumber(v)}</title></rect>`,
      )
      // A zero draws no bar: say so, so it does not read as missing data.
      if (v === 0)
        svg.push(
          `<text class="zero-label" x="${px(left + (s + 0.5) * barW)}" y="${px(base - 4)}" font-size="11" fill="#888" text-anchor="middle">0</text>`,
        )
    })
    svg.push(
      `<text x="${px(MARGIN.left + (gi + 0.5) * groupW)}" y="${px(base + 18)}" font-size="12" text-anchor="middle">${escapeHtml(g.label)}</text>`,
    )
  })
  series.forEach((name, s) => {
    const lx = MARGIN.left + (s % LEGEND_COLUMNS) * (f.plotW / LEGEND_COLUMNS)
    const ly = base + 44 + LEGEND_ROW * Math.floor(s / LEGEND_COLUMNS)
    svg.push(
      `<rect class="legend" x="${px(lx)}" y="${px(ly - 10)}" width="12" height="12" fill="${PALETTE[s % PALETTE.length]}"/>`,
      `<text x="${px(lx + 16)}" y="${px(ly)}" font-size="12">${escapeHtml(shorten(name))}</text>`,
    )
  })
  return [...svg, '</svg>'].join('\n')
}

function noData(f: Frame): string {
  return `<text x="${f.width / 2}" y="${f.height / 2}" text-anchor="middle" font-size="14" fill="#888">no data</text>`
}

function shorten(label: string): string {
  return label.length > 24 ? `${label.slice(0, 10)}…${label.slice(-8)}` : label
}

/** One line of a multi-line chart: its name and one value per x position. */
export type LineSeries = { name: string; values: readonly number[] }

/**
 * Several lines over shared x labels as inline SVG: one `path.line` per series in the palette's
 * colours (non-finite values are left out), a dot with a tooltip at each point, x labels, a legend.
 */
export function multiLineChart(xLabels: readonly string[], series: readonly LineSeries[], opts: ChartOptions): string {
  const values = series.flatMap((s) => s.values.filter(Number.isFinite))
  const ticks = values.length ? niceTicks(Math.min(...values), Math.max(...values)) : [0, 1]
  const rows = Math.ceil(series.length / LEGEND_COLUMNS)
  const { svg, f } = frame(opts, ticks, 'multi-line-chart', rows)
  const inset = Math.min(24, f.plotW / 8)
  const x = (i: number) =>
    MARGIN.left +
    inset +
    (xLabels.length <= 1 ? f.plotW / 2 - inset : (i / (xLabels.length - 1)) * (f.plotW - 2 * inset))
  const every = Math.max(1, Math.ceil(xLabels.length / 10))
  xLabels.forEach((label, i) => {
    if (i % every === 0 || i === xLabels.length - 1)
      svg.push(
        `<text x="${px(x(i))}" y="${f.height - MARGIN.bottom - LEGEND_ROW * rows + 18}" font-size="11" text-anchor="middle">${escapeHtml(label)}</text>`,
      )
  })
  series.forEach((s, k) => {
    const color = PALETTE[k % PALETTE.length]
    const pts = s.values.map((v, i) => ({ v, i })).filter((p) => Number.isFinite(p.v))
    const d = pts.map((p, j) => `${j === 0 ? 'M' : 'L'}${px(x(p.i))},${px(f.y(p.v))}`).join(' ')
    svg.push(
      `<path class="line" data-series="${escapeHtml(s.name)}" d="${d}" fill="none" stroke="${color}" stroke-width="2"/>`,
    )
    for (const p of pts)
      svg.push(
        `<circle cx="${px(x(p.i))}" cy="${px(f.y(p.v))}" r="3" fill="${color}"><title>${escapeHtml(s.name)}, ${escapeHtml(xLabels[p.i] ?? '')}: ${formatNumber(p.v)}</title></circle>`,
      )
    const lx = MARGIN.left + (k % LEGEND_COLUMNS) * (f.plotW / LEGEND_COLUMNS)
    const ly = f.height - LEGEND_ROW * (rows - Math.floor(k / LEGEND_COLUMNS)) - 8
    svg.push(
      `<rect x="${px(lx)}" y="${px(ly - 10)}" width="12" height="12" fill="${color}"/>`,
      `<text x="${px(lx + 18)}" y="${px(ly)}" font-size="12">${escapeHtml(s.name)}</text>`,
    )
  })
  return [...svg, '</svg>'].join('\n')
}
