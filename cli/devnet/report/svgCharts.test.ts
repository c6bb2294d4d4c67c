import { describe, expect, test } from 'vitest'
import { barChart, lineChart, niceTicks } from './svgCharts.ts'

const opts = { title: 'T', yLabel: 'y' }
const rects = (svg: string) => [...svg.matchAll(/<rect class="bar"[^>]*>/g)].map((m) => m[0])
const attr = (tag: string, name: string) => Number(new RegExp(`${name}="([^"]*)"`).exec(tag)?.[1])

describe('niceTicks', () => {
  test('default: round steps that cover the range', () => {
    expect(niceTicks(3.61, 4.62)).toEqual([3.5, 4, 4.5, 5])
    expect(niceTicks(0, 9.5)).toEqual([0, 2, 4, 6, 8, 10])
  })

  test('behavior: a flat series still gets a range', () => {
    const t = niceTicks(2, 2)
    expect(t[0]).toBeLessThan(2)
    expect(t[t.length - 1]).toBeGreaterThan(2)
  })
})

describe('lineChart', () => {
  test('default: one path through every point, lower loss drawn lower', () => {
    const svg = lineChart(
      [
        { label: 'start', value: 4.6 },
        { label: 'round 0', value: 4.1 },
        { label: 'round 1', value: 3.7 },
      ],
      opts,
    )
    const d = /<path class="line" d="([^"]+)"/.exec(svg)?.[1] ?? ''
    const ys = [...d.matchAll(/[ML][\d.]+,([\d.]+)/g)].map((m) => Number(m[1]))
    expect(ys).toHaveLength(3)
    expect(ys[1]).toBeGreaterThan(ys[0]) // SVG y grows downwards
    expect(ys[2]).toBeGreaterThan(ys[1])
    expect(svg.match(/<circle class="point"/g)).toHaveLength(3)
  })

  test('behavior: labels are escaped and non-finite values left out', () => {
    const svg = lineChart(
      [
        { label: '<img src=x>', value: 1 },
        { label: 'bad', value: Number.NaN },
      ],
      opts,
    )
    expect(svg).not.toContain('<img')
    expect(svg).toContain('&lt;img src=x&gt;')
    expect(svg.match(/<circle class="point"/g)).toHaveLength(1)
  })

  test('behavior: no points says so', () => {
    expect(lineChart([], opts)).toContain('no data')
  })
})

describe('barChart', () => {
  test('default: a bar per series per group, heights in proportion, zero for nothing', () => {
    const svg = barChart(
      [
        { label: 'round 0', values: [3, 4] },
        { label: 'round 1', values: [6, 0] },
      ],
      ['miner-0', 'miner-1'],
      opts,
    )
    const bars = rects(svg)
    expect(bars).toHaveLength(4)
    const h = bars.map((b) => attr(b, 'height'))
    expect(h[3]).toBe(0)
    expect(h[2]).toBeCloseTo(2 * h[0], 0)
    expect(svg).toContain('miner-1')
  })

  test('behavior: series names are escaped (hotkeys and names come from outside)', () => {
    const svg = barChart([{ label: 'r', values: [1] }], ['"><script>alert(1)</script>'], opts)
    expect(svg).not.toContain('<script>')
    expect(svg).toContain('&quot;&gt;&lt;script&gt;')
  })
})
