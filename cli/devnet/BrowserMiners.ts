import { appendFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import type { Logger } from '../../shared/logger/index.ts'
import { BrowserMissingError } from './errors.ts'

/** Debian's chromium, or the one `CROWDTRAIN_CHROMIUM` names; never a downloaded browser. */
export function chromiumPath(): string {
  return process.env.CROWDTRAIN_CHROMIUM ?? '/usr/bin/chromium'
}

/** One browser miner to open: its name, its key as a polkadot-js keystore JSON and that file's password. */
export type BrowserMinerSpec = { name: string; keystore: string; password: string; logFile: string }

/**
 * The devnet's browser miners: one headless chromium (driven by playwright-core, WebGPU on
 * SwiftShader where it starts, else wasm), one tab each on the web miner page, which imports the
 * miner's keystore and presses "Start mining" as a person would. The page's JSON log lines go to the
 * miner's log file, as a Node miner's do, so the devnet reads its busy time and rounds the same way.
 */
export class BrowserMiners {
  private browser: Browser | undefined
  private readonly pages = new Map<string, Page>()
  private readonly logger: Logger
  private readonly onExit: (name: string, reason: string) => void

  constructor(logger: Logger, onExit: (name: string, reason: string) => void) {
    this.logger = logger
    this.onExit = onExit
  }

  /** Opens the page at `url` in a new tab, imports the key and starts mining. */
  async start(url: string, spec: BrowserMinerSpec): Promise<void> {
    if (!this.browser) {
      const executablePath = chromiumPath()
      if (!existsSync(executablePath)) throw new BrowserMissingError(executablePath)
      const { chromium } = await import('playwright-core')
      this.browser = await chromium.launch({
        executablePath,
        args: ['--no-sandbox', '--enable-unsafe-webgpu', '--enable-features=Vulkan', '--use-angle=swiftshader'],
      })
    }
    mkdirSync(dirname(spec.logFile), { recursive: true })
    const page = await this.browser.newPage()
    this.pages.set(spec.name, page)
    page.on('console', (m) => {
      const text = m.text()
      if (text.startsWith('{')) appendFileSync(spec.logFile, `${text}\n`)
    })
    page.on('pageerror', (err) =>
      appendFileSync(spec.logFile, `${JSON.stringify({ level: 'error', msg: String(err), stack: err.stack })}\n`),
    )
    page.on('crash', () => this.exited(spec.name, 'the tab crashed'))
    page.on('close', () => this.exited(spec.name, 'the tab closed'))
    await page.goto(url)
    await page.waitForFunction(() => 'crowdtrain' in globalThis, null, { timeout: 60_000 })
    await page.evaluate(
      async ([keystore, password]) => {
        const api = (globalThis as unknown as { crowdtrain: { importKey(k: string, p: string): Promise<string> } })
          .crowdtrain
        await api.importKey(keystore, password)
      },
      [spec.keystore, spec.password],
    )
    await page.click('#start')
    this.logger.info('browser miner started', { name: spec.name, url })
  }

  /** The tab of `name` is open. */
  isRunning(name: string): boolean {
    return this.pages.has(name)
  }

  /** The page of `name` (tests: a screenshot). */
  page(name: string): Page | undefined {
    return this.pages.get(name)
  }

  /**
   * Keeps what each tab shows: `page.png` (a screenshot) and `page.json` (its figures) in its folder,
   * once its results table lists a round, or after `waitMs`.
   */
  async capture(folderOf: (name: string) => string, waitMs = 30_000): Promise<void> {
    for (const [name, page] of this.pages) {
      try {
        await page
          .waitForFunction('document.querySelectorAll("#results tr.result").length > 0', null, { timeout: waitMs })
          .catch(() => this.logger.warn('the page lists no round yet', { name }))
        const status = await page.evaluate(() =>
          (globalThis as unknown as { crowdtrain: { status(): Record<string, string> } }).crowdtrain.status(),
        )
        writeFileSync(join(folderOf(name), 'page.json'), `${JSON.stringify(status, null, 1)}\n`)
        await page.screenshot({ path: join(folderOf(name), 'page.png'), fullPage: true })
      } catch (err) {
        this.logger.warn('could not capture the page', { name, reason: String(err) })
      }
    }
  }

  /** Closes every tab and the browser. */
  async stopAll(): Promise<void> {
    const names = [...this.pages.keys()]
    this.pages.clear()
    for (const n of names) this.logger.debug('closing browser miner', { name: n })
    await this.browser?.close().catch(() => undefined)
    this.browser = undefined
  }

  private exited(name: string, reason: string): void {
    if (!this.pages.delete(name)) return
    this.logger.warn('browser miner stopped', { name, reason })
    this.onExit(name, reason)
  }
}
