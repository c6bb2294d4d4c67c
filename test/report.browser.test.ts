import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { beforeAll, describe, expect, test } from 'vitest'
import { LINE_COLOR, PALETTE, writeReport } from '../cli/devnet/report/index.ts'
import { devnetSummary } from './helpers/devnetSummary.ts'
import { countColor, decodePng } from './helpers/png.ts'
import { testDir } from './helpers/testDir.ts'

// report.html opened the way a person would, in a real browser with no network: Debian's chromium,
// headless. Where it is not installed the test says so and is skipped (CI installs it in .ci/run).
const CHROMIUM = '/usr/bin/chromium'
const hasChromium = existsSync(CHROMIUM)
if (!hasChromium)
  console.warn(`report.browser.test.ts skipped: ${CHROMIUM} is not installed (apt-get install chromium)`)

const ROUNDS = 3
const MINERS = 3
let dom = ''
let png: Uint8Array = new Uint8Array()

function chromium(args: string[]): string {
  const profile = testDir('ct-chromium-')
  const r = spawnSync(
    CHROMIUM,
    [
      ...['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run'],
      ...['--disable-background-networking', '--disable-component-update', '--disable-sync'],
      `--user-data-dir=${profile}`,
      ...args,
    ],
    { encoding: 'utf8', timeout: 90_000, maxBuffer: 32 * 1024 * 1024 },
  )
  if (r.status !== 0) throw new Error(`chromium exited with ${r.status ?? r.signal}: ${r.stderr.slice(-2000)}`)
  return r.stdout
}

beforeAll(async () => {
  if (!hasChromium) return
  const dir = testDir('ct-report-browser-')
  const { html } = await writeReport({ ...devnetSummary(ROUNDS), dir })
  const url = pathToFileURL(html).href
  dom = chromium(['--dump-dom', url])
  const shot = join(dir, 'report.png')
  chromium([`--screenshot=${shot}`, '--window-size=1200,1600', url])
  png = readFileSync(shot)
}, 240_000)

const tags = (name: string, cls: string) =>
  [...dom.matchAll(new RegExp(`<${name} [^>]*class="${cls}"[^>]*>`, 'g'))].map((m) => m[0])
const num = (tag: string, attr: string) => Number(new RegExp(` ${attr}="([^"]*)"`).exec(tag)?.[1])

describe.skipIf(!hasChromium)('report.html in a headless browser', () => {
  test('default: the loss chart draws a line through the loss before the first round and after each', () => {
    const [line] = tags('path', 'line')
    expect(line).toBeDefined()
    const d = / d="([^"]+)"/.exec(line)?.[1] ?? ''
    expect(d.match(/[ML]\s*[\d.]+,[\d.]+/g)).toHaveLength(ROUNDS + 1)
    expect(tags('circle', 'point')).toHaveLength(ROUNDS + 1)
  })

  test('behavior: the rewards chart has a bar per miner per round, tall where the reward is positive', () => {
    const bars = tags('rect', 'bar')
    expect(bars).toHaveLength(MINERS * ROUNDS)
    for (const bar of bars) {
      if (num(bar, 'data-value') > 0) expect(num(bar, 'height'), bar).toBeGreaterThan(10)
      else expect(num(bar, 'height'), bar).toBe(0)
    }
    expect(bars.filter((b) => num(b, 'data-value') === 0)).toHaveLength(1)
  })

  test("behavior: the score table shows the zero with the validators' reasons", () => {
    const table = /<table id="score-table">[\s\S]*?<\/table>/.exec(dom)?.[0] ?? ''
    const zero = /<tr class="zero">[\s\S]*?<\/tr>/.exec(table)?.[0] ?? ''
    expect(zero).toContain('miner-2')
    expect(zero).toContain('wrong-data')
    expect(zero).toContain('no-improvement')
  })

  test('behavior: the screenshot shows the charts in their colours', () => {
    const img = decodePng(png)
    expect([img.width, img.height]).toEqual([1200, 1600])
    // Solid bars of the second and third miner, the first miner's bars and the loss line.
    expect(countColor(img, PALETTE[1])).toBeGreaterThan(500)
    expect(countColor(img, PALETTE[2])).toBeGreaterThan(300)
    expect(countColor(img, LINE_COLOR)).toBeGreaterThan(500)
  })
})
