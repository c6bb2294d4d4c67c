import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import {
  buildSettleCall,
  type ChainClient,
  claim,
  connect,
  createSubnet,
  type Devchain,
  devKeypair,
  readBalances,
  readRound,
  readSettledRounds,
  register,
  settle,
  startDevchain,
} from '../chain/index.ts'
import { silentLogger } from '../shared/logger/index.ts'

const NETUID = 3
const DOC_CID = 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy'
const LEDGER_CID = 'bafkreidgvpkjawlxz6sffxzwgooowe5yt7i6wsyg236mfoks77nywkptdq'

const dir = mkdtempSync(join(tmpdir(), 'crowdtrain-chain-'))
const db = join(dir, 'chain.sqlite')
let devchain: Devchain | undefined
let client: ChainClient | undefined

afterAll(async () => {
  await client?.disconnect()
  await devchain?.stop()
  rmSync(dir, { recursive: true, force: true })
})

describe('chain: persistence', () => {
  it('behavior: balances, records and settled rounds survive a restart from the db, and the chain goes on', async () => {
    devchain = await startDevchain({ db, logger: silentLogger })
    expect(devchain.resumed).toBe(false)
    client = await connect({ url: devchain.url, logger: silentLogger })
    const [owner, a, b, miner] = await Promise.all(['//Dave', '//Alice', '//Bob', '//Eve'].map(devKeypair))
    const subnet = await createSubnet(client, {
      owner,
      netuid: NETUID,
      documentCid: DOC_CID,
      validators: [a.address, b.address],
      threshold: 2,
    })
    await register(client, {
      signer: miner,
      netuid: NETUID,
      role: 'miner',
      multiaddrs: [],
      treasury: subnet.treasury,
      fee: 10n ** 10n,
    })
    const { call } = buildSettleCall({
      api: client.api,
      netuid: NETUID,
      round: 0,
      ledgerCid: LEDGER_CID,
      treasury: subnet.treasury,
      assetId: subnet.assetId,
      payouts: [{ address: miner.address, amount: 1234n }],
    })
    const p = { signatories: [a.address, b.address], threshold: 2, netuid: NETUID, round: 0, call }
    await settle(client, { ...p, signer: a })
    await settle(client, { ...p, signer: b })
    const addresses = [owner.address, miner.address, subnet.treasury]
    const balances = await readBalances(client, { addresses, assetId: subnet.assetId, treasury: subnet.treasury })
    const records = (await readRound(client, { from: 0 })).remarks
    const head = devchain.head()
    await client.disconnect()
    await devchain.stop()

    devchain = await startDevchain({ db, logger: silentLogger })
    expect(devchain.resumed).toBe(true)
    expect(devchain.head()).toBe(head)
    client = await connect({ url: devchain.url, logger: silentLogger })
    expect(await readBalances(client, { addresses, assetId: subnet.assetId, treasury: subnet.treasury })).toEqual(
      balances,
    )
    expect((await readRound(client, { from: 0 })).remarks).toEqual(records)
    expect((await readSettledRounds(client, { netuid: NETUID })).rounds).toEqual([{ round: 0, ledgerCid: LEDGER_CID }])
    // The resumed chain goes on: the miner claims its reward at once.
    expect((await claim(client, { signer: miner, assetId: subnet.assetId, treasuries: [subnet.treasury] })).total).toBe(
      1234n,
    )
    expect(devchain.head()).toBe(head + 1)
  })
})
