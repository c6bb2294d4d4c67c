import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { once } from 'node:events'
import { rmSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  buildSettleCall,
  type ChainClient,
  connect,
  createSubnet,
  devKeypair,
  register,
  settle,
} from '../chain/index.ts'
import { encodeLedger, type RoundLedger } from '../chain/ledger/index.ts'
import { silentLogger } from '../shared/logger/index.ts'
import { createHeliaStorage } from '../shared/storage/index.ts'
import { testDir } from './helpers/testDir.ts'

const BIN = fileURLToPath(new URL('../bin/crowdtrain.js', import.meta.url))
const NODE = process.execPath
const DOC_CID = 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy'
const run = promisify(execFile)

let server: ChildProcess
let ready: { url: string; port: number; accounts: Record<string, string> }
let client: ChainClient

/** Runs the CLI to completion; resolves with its exit code and output. */
async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(NODE, [BIN, ...args], { timeout: 120_000 })
    return { code: 0, stdout, stderr }
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string }
    return { code: e.code, stdout: e.stdout, stderr: e.stderr }
  }
}

beforeAll(async () => {
  server = spawn(NODE, [BIN, 'chain', 'start', '--port', '0', '--json'], { stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  server.stdout?.setEncoding('utf8')
  ready = await new Promise((resolve, reject) => {
    server.on('exit', (code) => reject(new Error(`chain start exited early (${code})`)))
    server.stdout?.on('data', (chunk: string) => {
      out += chunk
      const line = out.split('\n').find((l) => l.startsWith('{'))
      if (line) resolve(JSON.parse(line))
    })
  })
  client = await connect({ url: ready.url, logger: silentLogger })
})

afterAll(async () => {
  await client?.disconnect()
  if (server && server.exitCode === null) server.kill('SIGKILL')
})

describe('chain: CLI', () => {
  it('default: chain start prints one JSON ready line with the ws URL and the dev accounts', () => {
    expect(ready.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/)
    expect(ready.accounts.Alice).toBe('5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY')
  })

  it('behavior: metagraph lists registrations and claim pulls an approved reward', async () => {
    const [owner, a, b, eve] = await Promise.all(['//Dave', '//Alice', '//Bob', '//Eve'].map(devKeypair))
    const subnet = await createSubnet(client, {
      owner,
      netuid: 2,
      documentCid: DOC_CID,
      validators: [a.address, b.address],
      threshold: 2,
    })
    await register(client, {
      signer: eve,
      netuid: 2,
      role: 'miner',
      multiaddrs: [],
      treasury: subnet.treasury,
      fee: 10n ** 10n,
    })
    const payouts = [{ address: eve.address, amount: 777n }]
    const { call } = buildSettleCall({
      api: client.api,
      netuid: 2,
      round: 0,
      ledgerCid: DOC_CID,
      treasury: subnet.treasury,
      assetId: subnet.assetId,
      payouts,
    })
    const p = { signatories: [a.address, b.address], threshold: 2, netuid: 2, round: 0, call }
    await settle(client, { ...p, signer: a })
    await settle(client, { ...p, signer: b })

    // The "ledger" CID is no ledger anybody serves: the metagraph still prints, with a warning.
    const mg = await cli(['metagraph', '--chain', ready.url, '--netuid', '2', '--json', '--ledger-timeout', '1'])
    expect(mg.code).toBe(0)
    expect(mg.stderr).toMatch(
      /warning: incentive \/ dividends shown as "-": ledger of round 0 .* not fetched within 1 s/,
    )
    const rows = JSON.parse(mg.stdout.trim().split('\n').pop() as string).rows
    expect(rows).toEqual([
      expect.objectContaining({ uid: 0, hotkey: eve.address, role: 'miner', approved: '777', claimed: '0' }),
    ])
    expect(rows[0].incentive).toBeUndefined()

    const claimed = await cli(['claim', '--chain', ready.url, '--netuid', '2', '--dev-account', '//Eve', '--json'])
    expect(claimed.code).toBe(0)
    expect(JSON.parse(claimed.stdout.trim().split('\n').pop() as string)).toMatchObject({
      address: eve.address,
      claimed: '777',
    })

    // After the claim the reward shows as claimed, no longer as approved.
    const after = await cli(['metagraph', '--chain', ready.url, '--netuid', '2', '--json', '--no-ledger'])
    expect(after.code).toBe(0)
    expect(JSON.parse(after.stdout.trim().split('\n').pop() as string).rows).toEqual([
      expect.objectContaining({ uid: 0, approved: '0', claimed: '777' }),
    ])
  })

  // A subnet whose round 0 is settled, its ledger held only by `peer` (registered by the miner or not);
  // then `metagraph` with `extra` flags must read incentive 0.5 from that ledger.
  async function metagraphFromPeer(netuid: number, registerPeer: boolean, extra: (peerAddr: string) => string[]) {
    const [owner, a, b, miner] = await Promise.all(['//Dave', '//Alice', '//Bob', '//Ferdie'].map(devKeypair))
    const dir = testDir('ct-metagraph-')
    const peer = await createHeliaStorage({ dir, listen: ['/ip4/127.0.0.1/tcp/0'], logger: silentLogger })
    try {
      const subnet = await createSubnet(client, {
        owner,
        netuid,
        documentCid: DOC_CID,
        validators: [a.address, b.address],
        threshold: 2,
      })
      await register(client, {
        signer: miner,
        netuid,
        role: 'miner',
        multiaddrs: registerPeer ? peer.multiaddrs().slice(0, 1) : [],
        treasury: subnet.treasury,
        fee: 10n ** 10n,
      })
      const member = { uid: 0, hotkey: miner.address, role: 'miner' as const, multiaddrs: [], registeredAt: 0 }
      const ledger: RoundLedger = {
        v: 1,
        netuid,
        round: 0,
        checkpoint: DOC_CID,
        parent: DOC_CID,
        reportLoss: { before: 1, after: 1 },
        metagraph: [member],
        stake: [],
        deltaReveals: [],
        revealed: [],
        weights: [],
        consensus: { consensus: [], incentive: [[0, 32768]], dividends: [], trust: [], validatorTrust: [] },
        bonds: [],
        accepted: [],
        reports: [],
        payouts: [{ uid: 0, address: miner.address, amount: '5' }],
        owner: '0',
        emission: '5',
        unallocated: '0',
      }
      const ledgerCid = (await peer.add(encodeLedger(ledger))).toString()
      const payouts = [{ address: miner.address, amount: 5n }]
      const built = { api: client.api, netuid, round: 0, ledgerCid, treasury: subnet.treasury, payouts }
      const { call } = buildSettleCall({ ...built, assetId: subnet.assetId })
      const p = { signatories: [a.address, b.address], threshold: 2, netuid, round: 0, call }
      await settle(client, { ...p, signer: a })
      await settle(client, { ...p, signer: b })

      const args = ['metagraph', '--chain', ready.url, '--netuid', String(netuid), '--json', '--ledger-timeout', '30']
      const mg = await cli([...args, ...extra(peer.multiaddrs()[0])])
      expect(mg.code).toBe(0)
      const out = JSON.parse(mg.stdout.trim().split('\n').pop() as string)
      expect(out.ledger).toEqual({ round: 0, cid: ledgerCid })
      expect(out.rows).toEqual([expect.objectContaining({ uid: 0, hotkey: miner.address, dividends: 0 })])
      expect(out.rows[0].incentive).toBeCloseTo(0.5, 4)
    } finally {
      await peer.stop()
      rmSync(dir, { recursive: true, force: true })
    }
  }

  it('behavior: metagraph shows incentive and dividends from the newest ledger, fetched from a registered peer', async () => {
    await metagraphFromPeer(3, true, () => [])
  })

  it("behavior: metagraph shows incentive and dividends from the newest ledger, fetched from a --peer nobody registered (a served devnet's owner node)", async () => {
    await metagraphFromPeer(4, false, (addr) => ['--peer', addr])
  })

  it('error: metagraph of a subnet that does not exist fails with a reason', async () => {
    const res = await cli(['metagraph', '--chain', ready.url, '--netuid', '99'])
    expect(res.code).toBe(1)
    expect(res.stderr).toContain('Subnet 99 was not found')
  })

  it('behavior: chain start stops cleanly on SIGTERM', async () => {
    await client.disconnect()
    server.kill('SIGTERM')
    const [code] = await once(server, 'exit')
    expect(code).toBe(0)
  })
})
