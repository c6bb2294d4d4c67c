import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { defaultConfig } from '../shared/config/index.ts'
import { silentLogger } from '../shared/logger/index.ts'
import { loadTask, taskFromText } from '../shared/tasks/index.ts'
import { parsePageConfig } from './page/config.ts'
import { parseFaucetBody, serveWeb, type WebServer } from './serve.ts'

const ALICE = '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY'
const PEER = '/ip4/127.0.0.1/tcp/4002/ws/p2p/12D3KooWFuYFAY1ZeCAk7ieRTrrTwBseH9h8ELyoZ9JdA5XqjrYR'
let web: WebServer
const funded: string[] = []

beforeAll(async () => {
  web = await serveWeb({
    ...{ chainUrl: 'ws://127.0.0.1:9944', netuid: 3, listen: '127.0.0.1:0', logger: silentLogger },
    peers: async () => [PEER],
    faucet: async (address) => {
      funded.push(address)
    },
  })
}, 60_000)
afterAll(() => web?.close())

const get = (path: string) => fetch(new URL(path, web.url))

describe('serveWeb', () => {
  test('default: the page, its bundle and the subnet facts it needs', async () => {
    const page = await get('/')
    expect(page.headers.get('content-type')).toMatch(/text\/html/)
    // Cross-origin isolated: tfjs' wasm backend may train on several threads.
    expect(page.headers.get('cross-origin-embedder-policy')).toBe('require-corp')
    expect(await page.text()).toContain('<script type="module" src="app.js">')
    const js = await (await get('/app.js')).text()
    expect(js.length).toBeGreaterThan(1_000_000)
    expect(js).toContain('Start mining')
    const config = parsePageConfig(await (await get('/config.json')).json())
    expect(config).toEqual({
      chainUrl: 'ws://127.0.0.1:9944',
      netuid: 3,
      peers: [PEER],
      faucet: true,
      prefer: 'webgpu',
    })
    const wasm = new Uint8Array(await (await get('/wasm/tfjs-backend-wasm-simd.wasm')).arrayBuffer())
    expect([...wasm.subarray(0, 4)]).toEqual([0, 0x61, 0x73, 0x6d])
  }, 60_000)

  test('behavior: the task text builds the task validators load (same dataset id)', async () => {
    const config = defaultConfig()
    const text = await (await get('/task?name=moby-char')).text()
    expect(taskFromText('moby-char', text, config).datasetId).toBe(loadTask('moby-char', config).datasetId)
  })

  test('error: no file outside the task texts and wasm files is served, and the faucet takes only an address', async () => {
    for (const path of ['/task?name=text:/etc/passwd', '/wasm/../package.json', '/wasm/x.wasm', '/package.json'])
      expect((await get(path)).status, path).toBe(404)
    expect(await (await get('/task?name=text:/etc/passwd')).text()).toMatch(/cannot be mined from a browser/)
    const bad = await fetch(new URL('/faucet', web.url), { method: 'POST', body: '{"address":"nope"}' })
    expect(bad.status).toBe(400)
    const ok = await fetch(new URL('/faucet', web.url), { method: 'POST', body: JSON.stringify({ address: ALICE }) })
    expect(ok.status).toBe(200)
    expect(funded).toEqual([ALICE])
  })
})

describe('parseFaucetBody and parsePageConfig', () => {
  test('boundary: only an SS58 address; a config with every field in range', () => {
    expect(parseFaucetBody(JSON.stringify({ address: ALICE }))).toBe(ALICE)
    for (const body of ['', '{}', '{"address":5}', '{"address":"5Grw"}', 'x'.repeat(600)])
      expect(parseFaucetBody(body)).toBeUndefined()
    const good = { chainUrl: 'ws://127.0.0.1:1', netuid: 1, peers: [], faucet: false, prefer: 'wasm' }
    expect(parsePageConfig(good)).toEqual(good)
    for (const bad of [
      { ...good, chainUrl: 'http://x' },
      { ...good, netuid: -1 },
      { ...good, peers: ['not a multiaddr'] },
      { ...good, faucet: 'yes' },
      { ...good, prefer: 'cuda' },
      null,
    ])
      expect(() => parsePageConfig(bad)).toThrow(/config\.json/)
  })
})
