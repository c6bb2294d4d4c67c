import type { ChildProcess } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { chromiumPath } from '../cli/devnet/BrowserMiners.ts'
import type { DevnetResult } from '../cli/devnet/index.ts'
import { runCliAsync } from './helpers/cli.ts'
import { countColor, decodePng } from './helpers/png.ts'
import { spawnServedDevnet } from './helpers/servedDevnet.ts'
import { testDir } from './helpers/testDir.ts'

// A miner in a real browser tab: headless Debian chromium (playwright-core, no browser download)
// opens the devnet's web miner page, imports its key and mines (WebGPU on SwiftShader where chromium
// offers it, else wasm). Where chromium is not installed the file says so and is skipped (CI installs it).
const hasChromium = existsSync(chromiumPath())
if (!hasChromium)
  console.warn(`browser.miner.test.ts skipped: ${chromiumPath()} is not installed (apt-get install chromium)`)

let result: DevnetResult & { ipfs?: string[] }
let proc: ChildProcess | undefined
const NAME = 'browser-miner-0'

beforeAll(async () => {
  if (!hasChromium) return
  const dir = testDir('devnet-browser-')
  const devnet = await spawnServedDevnet([
    ...['--preset', 'tiny', '--miners', '1', '--browser-miners', '1', '--rounds', '2', '--dir', dir],
    ...['--window-timeout', '120'],
  ])
  proc = devnet.proc
  result = devnet.result
}, 600_000)

afterAll(async () => {
  if (!proc || proc.exitCode !== null) return
  const exited = new Promise((resolve) => proc?.once('exit', resolve))
  proc.kill('SIGTERM')
  await exited
}, 60_000)

describe.skipIf(!hasChromium)('a miner in a browser tab', () => {
  const rows = () => result.rounds.flatMap((r) => r.miners.filter((m) => m.name === NAME).map((m) => ({ r, m })))

  test('default: the browser miner is paid in a settled round, and claims it', () => {
    expect(result.rounds).toHaveLength(2)
    expect(rows().length).toBe(2)
    const paid = rows().filter(({ m }) => BigInt(m.reward) > 0n)
    expect(paid.length).toBeGreaterThan(0)
    for (const { m } of paid) {
      expect(m.accepted).toBe(true)
      expect(m.claimed).toBe(true)
    }
    const compute = result.compute?.find((c) => c.name === NAME)
    expect(['webgpu', 'wasm']).toContain(compute?.backend)
    expect(result.web).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/)
  })

  test('default: checkpoint verify recomputes the round that paid the browser miner', async () => {
    const round = rows().find(({ m }) => BigInt(m.reward) > 0n)?.r.round as number
    const net = [
      ...['--chain', result.chainUrl, '--netuid', String(result.netuid)],
      ...(result.ipfs ?? []).flatMap((a) => ['--peer', a]),
    ]
    const r = await runCliAsync(['checkpoint', 'verify', ...net, '--round', String(round)], {}, 240_000)
    expect(r.code, r.stdout + r.stderr).toBe(0)
    expect(r.stdout).toMatch(/exactly what the chain settled/)
  }, 250_000)

  test('behavior: the page shows the round, training, its delta, commit and reveal, score and rewards', () => {
    const folder = join(result.dir, NAME)
    const shown = JSON.parse(readFileSync(join(folder, 'page.json'), 'utf8')) as Record<string, string>
    expect(shown.state).toBe('mining')
    expect(Number(shown.round)).toBeGreaterThanOrEqual(result.rounds[0].round)
    expect(shown.steps).toMatch(/^\d+ \/ \d+$/)
    expect(Number(shown.loss)).toBeGreaterThan(0)
    expect(Number(shown.tokensPerSec)).toBeGreaterThan(0)
    expect(shown.cid).toMatch(/^baf/)
    expect(shown.commit).toMatch(/^round \d+: block \d+/)
    expect(shown.reveal).toMatch(/^round \d+: block \d+/)
    expect(shown.rewards).toMatch(/^\d+/)
    const results = JSON.parse(shown.results) as { round: number; score: string; reward: string }[]
    expect(results.some((x) => BigInt(x.reward) > 0n && Number(x.score) > 0)).toBe(true)
    // The screenshot is the page as a person saw it: a real image, mostly the page's light background.
    const png = decodePng(readFileSync(join(folder, 'page.png')))
    expect(png.width).toBeGreaterThan(600)
    expect(png.height).toBeGreaterThan(400)
    const pixels = png.width * png.height
    const background = countColor(png, '#fbfbfd')
    expect(background / pixels).toBeGreaterThan(0.5)
    // Text and table rules: a page with its figures drawn, not a blank or an error line.
    expect((pixels - background) / pixels).toBeGreaterThan(0.03)
  })
})
