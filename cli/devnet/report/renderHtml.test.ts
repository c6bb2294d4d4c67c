import { describe, expect, test } from 'vitest'
import { devnetSummary } from '../../../test/helpers/devnetSummary.ts'
import { renderHtml } from './renderHtml.ts'
import { reportData } from './reportData.ts'

describe('renderHtml', () => {
  test('default: both charts, the score table with the reasons, nothing to load from anywhere', () => {
    const html = renderHtml(reportData(devnetSummary(3)))
    expect(html).toMatch(/^<!doctype html>/)
    expect(html).toContain('<svg class="chart line-chart"')
    expect(html).toContain('<svg class="chart bar-chart"')
    expect(html.match(/<rect class="bar"/g)).toHaveLength(9)
    expect(html).toContain('wrong-data')
    expect(html).toContain('no-improvement')
    expect(html).toContain("default-src 'none'")
    expect(html).not.toMatch(/<script|<link|src="http|href="http/)
  })

  test('behavior: names, hotkeys and reasons from outside are escaped', () => {
    const summary = devnetSummary(2)
    const m = summary.rounds[1].miners[2]
    m.name = '<img src=x onerror=alert(1)>'
    m.reasons = [{ validator: 'v"><b>', score: 0, reason: '</td><script>alert(1)</script>' }]
    const html = renderHtml(reportData(summary))
    expect(html).not.toContain('<img src=x')
    expect(html).not.toContain('<script>')
    expect(html).toContain('&lt;/td&gt;&lt;script&gt;alert(1)&lt;/script&gt;')
    expect(html).toContain('v&quot;&gt;&lt;b&gt;')
  })

  test('behavior: a void round is named with its reason', () => {
    const html = renderHtml(
      reportData({ ...devnetSummary(1), voidRounds: [{ round: 9, reason: 'chaos: void-round:1' }] }),
    )
    expect(html).toContain('Round 9 was void (not settled): chaos: void-round:1')
  })

  test('behavior: a devnet that stopped early says why, above the rounds settled before', () => {
    const failure =
      'RoundFailedError: Devnet round 8 failed: the chain stopped at block 90 and the round is not settled.'
    const html = renderHtml(reportData({ ...devnetSummary(1), failure }))
    expect(html).toContain(`The devnet stopped before its last round: ${failure}`)
    expect(html.indexOf('stopped before its last round')).toBeLessThan(html.indexOf('<section id="loss">'))
    expect(renderHtml(reportData(devnetSummary(1)))).not.toContain('stopped before its last round')
  })

  test('behavior: an unread score report is shown with its reason', () => {
    const summary = devnetSummary(1)
    summary.rounds[0].unreadReports = [{ validator: 'validator-1', cid: 'bafkreix', reason: 'timed out after 20 s' }]
    expect(renderHtml(reportData(summary))).toContain('could not be read: timed out after 20 s')
  })
})
