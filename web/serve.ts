import { readFile } from 'node:fs/promises'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { decodeAddress } from '@polkadot/util-crypto'
import { readMetagraph } from '../chain/actions/index.ts'
import type { ChainClient } from '../chain/client/index.ts'
import type { CrowdtrainConfig } from '../shared/config/index.ts'
import type { Logger } from '../shared/logger/index.ts'
import { taskText } from '../shared/tasks/index.ts'
import { buildWebBundle } from './build.ts'
import { PAGE_HTML } from './pageHtml.ts'

const require = createRequire(import.meta.url)
const WASM_DIR = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm'))
const WASM_FILES = new Set([
  'tfjs-backend-wasm.wasm',
  'tfjs-backend-wasm-simd.wasm',
  'tfjs-backend-wasm-threaded-simd.wasm',
])
// Text tasks a page may ask for by name; `text:<file>` tasks are refused (the page must not read the server's files).
const BROWSER_TASKS = new Set(['moby-char', 'sotu-char'])

/** The inputs of `serveWeb`. */
export type ServeWebParameters = {
  chainUrl: string
  netuid: number
  /** `host:port` to listen on (127.0.0.1 unless told otherwise; port 0: any free one). */
  listen: string
  /** The multiaddrs a page dials (`/ws/` ones), asked for each page load. */
  peers: () => Promise<string[]>
  /** Funds an address (a devnet's faucet); absent: no faucet. */
  faucet?: (address: string) => Promise<void>
  /** Train on WebGPU where the browser has it (default), or always on wasm. */
  prefer?: 'webgpu' | 'wasm'
  logger: Logger
}

/** A running page server. */
export type WebServer = { url: string; close(): Promise<void> }

/**
 * Serves the web miner (`web/page`): the page, its bundle (built at start), tfjs' wasm files, the
 * subnet's connection facts (`config.json`), the text of built-in tasks and, on a devnet, a faucet.
 */
export async function serveWeb(p: ServeWebParameters): Promise<WebServer> {
  const log = p.logger.forComponent('web')
  const bundle = await buildWebBundle()
  const [host, portText] = splitHostPort(p.listen)
  const server = createServer((req, res) => {
    handle(req, res).catch((err) => {
      log.warn('request failed', { url: req.url, reason: String(err) })
      if (!res.headersSent) send(res, 500, 'text/plain', 'internal error')
    })
  })
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://page')
    if (req.method === 'GET' && url.pathname === '/') return send(res, 200, 'text/html; charset=utf-8', PAGE_HTML)
    if (req.method === 'GET' && url.pathname === '/app.js') return send(res, 200, 'text/javascript', bundle)
    if (req.method === 'GET' && url.pathname.startsWith('/wasm/')) {
      const name = url.pathname.slice('/wasm/'.length)
      if (!WASM_FILES.has(name)) return send(res, 404, 'text/plain', 'no such file')
      return send(res, 200, 'application/wasm', await readFile(join(WASM_DIR, name)))
    }
    if (req.method === 'GET' && url.pathname === '/config.json') {
      const config = {
        chainUrl: p.chainUrl,
        netuid: p.netuid,
        peers: (await p.peers()).slice(0, 64),
        faucet: p.faucet !== undefined,
        prefer: p.prefer ?? 'webgpu',
      }
      return send(res, 200, 'application/json', JSON.stringify(config))
    }
    if (req.method === 'GET' && url.pathname === '/task') {
      const name = url.searchParams.get('name') ?? ''
      if (!BROWSER_TASKS.has(name))
        return send(
          res,
          404,
          'text/plain',
          `task ${name.slice(0, 64)} cannot be mined from a browser (built-in text tasks only)`,
        )
      return send(res, 200, 'text/plain; charset=utf-8', taskText(name) ?? '')
    }
    if (req.method === 'POST' && url.pathname === '/faucet') {
      if (!p.faucet) return send(res, 404, 'text/plain', 'this server has no faucet (devnets only)')
      const address = parseFaucetBody(await readBody(req, 512))
      if (!address) return send(res, 400, 'text/plain', 'send {"address": "<SS58 address>"}')
      await p.faucet(address)
      log.info('faucet funded', { address })
      return send(res, 200, 'application/json', JSON.stringify({ funded: address }))
    }
    send(res, 404, 'text/plain', 'not found')
  }
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(Number(portText), host, () => resolve())
  })
  const port = (server.address() as { port: number }).port
  const url = `http://${host}:${port}/`
  log.info('web miner page served', { url })
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/**
 * The WebSocket multiaddrs of the subnet's validators, as they registered them on chain: what a
 * browser miner dials (it cannot dial TCP), with `extra` (the owner's node) first.
 */
export async function validatorWsPeers(
  client: ChainClient,
  netuid: number,
  subnet: Pick<CrowdtrainConfig['subnet'], 'maxUids' | 'immunityBlocks'>,
  extra: readonly string[] = [],
): Promise<string[]> {
  const { rows } = await readMetagraph(client, { netuid, ...subnet })
  const ws = rows.filter((r) => r.role === 'validator').flatMap((r) => r.multiaddrs.filter(isWsPeer))
  return [...new Set([...extra.filter(isWsPeer), ...ws])]
}

function isWsPeer(addr: string): boolean {
  return /\/tcp\/\d+\/ws\/p2p\/[A-Za-z0-9]+$/.test(addr)
}

function splitHostPort(listen: string): [string, string] {
  const m = /^([0-9.]+|localhost):(\d{1,5})$/.exec(listen)
  if (!m || Number(m[2]) > 65535) throw new RangeError(`listen must be host:port, e.g. 127.0.0.1:8080 (got ${listen})`)
  return [m[1], m[2]]
}

// Cross-origin isolation (COOP + COEP): the page may then use SharedArrayBuffer, and tfjs' wasm
// backend trains on several threads (its threaded SIMD build) instead of one.
const ISOLATED = { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' }

function send(res: ServerResponse, status: number, type: string, body: string | Uint8Array): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', ...ISOLATED })
  res.end(body)
}

async function readBody(req: IncomingMessage, max: number): Promise<string> {
  let text = ''
  for await (const chunk of req) {
    text += String(chunk)
    if (text.length > max) return ''
  }
  return text
}

/** The address of a faucet request, or undefined when it is not `{"address": <SS58>}`. */
export function parseFaucetBody(text: string): string | undefined {
  try {
    const { address } = JSON.parse(text) as { address?: unknown }
    if (typeof address !== 'string' || address.length > 64) return undefined
    return decodeAddress(address).length === 32 ? address : undefined
  } catch {
    return undefined
  }
}
