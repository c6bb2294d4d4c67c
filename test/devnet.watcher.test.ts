import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { readPendingCalls } from '../chain/actions/index.ts'
import { buildAsMulti, type ChainClient, connect } from '../chain/client/index.ts'
import { type Devchain, devKeypair, startDevchain } from '../chain/devchain/index.ts'
import { deltaCommitRecord, encodeRecord, registerRecord, roundWindows } from '../chain/protocol/index.ts'
import { buildSettleCall, multisigAddress } from '../chain/settle/index.ts'
import { ChainWatcher, DevnetClock } from '../cli/devnet/index.ts'
import { silentLogger } from '../shared/logger/index.ts'

const NETUID = 7
const CID = 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy'
let devchain: Devchain
let client: ChainClient

// A watcher of the shared devchain and its pool, as the devnet makes one.
const newWatcher = () =>
  new ChainWatcher({
    client,
    netuid: NETUID,
    maxUids: 16,
    immunityBlocks: 0,
    pool: () => devchain.chain.txPool.pendingExtrinsics,
  })

beforeAll(async () => {
  devchain = await startDevchain({ clock: { mode: 'manual' }, logger: silentLogger })
  client = await connect({ url: devchain.url, logger: silentLogger })
}, 60_000)

afterAll(async () => {
  await client?.disconnect()
  await devchain?.stop()
})

async function send(text: string, uri: string): Promise<void> {
  const pair = await devKeypair(uri)
  const nonce = await client.api.rpc.system.accountNextIndex(pair.address)
  await client.api.tx.system.remark(text).signAndSend(pair, { nonce })
  for (let i = 0; i < 100 && devchain.chain.txPool.pendingExtrinsics.length === 0; i++)
    await new Promise((r) => setTimeout(r, 20))
}

describe('devnet clock on the embedded chain', () => {
  test('behavior: a commit waiting in the tx pool is seen with its signer before any block includes it', async () => {
    const alice = await devKeypair('//Alice')
    const watcher = newWatcher()
    await send(
      encodeRecord(deltaCommitRecord({ hotkey: alice.address, netuid: NETUID, round: 0, cid: CID })),
      '//Alice',
    )
    const pending = watcher.pending()
    expect(pending.size).toBe(1)
    expect(pending.actions).toEqual([{ type: 'delta-commit', round: 0, hotkey: alice.address }])
    await devchain.newBlock()
    expect(watcher.pending()).toEqual({ size: 0, actions: [] })
  })

  test('behavior: the clock builds a block for a pending registration and waits for the missing one', async () => {
    const [bob, charlie] = await Promise.all([devKeypair('//Bob'), devKeypair('//Charlie')])
    const watcher = newWatcher()
    const clock = new DevnetClock({
      devchain,
      watcher,
      participants: [
        { name: 'miner-0', role: 'miner', address: bob.address },
        { name: 'miner-1', role: 'miner', address: charlie.address },
      ],
      isLive: () => true,
      timeoutMs: 60_000,
      logger: silentLogger,
    })
    clock.setSchedule(
      roundWindows({
        tempo: 14,
        genesisBlock: 1000,
        grace: 1,
        windows: { commit: 2, reveal: 2, evaluate: 2, weightsReveal: 2 },
      }),
    )
    const head = devchain.head()
    expect((await clock.tick()).build).toBe(false)
    expect(devchain.head()).toBe(head)
    // A plain remark is no registration (no fee batch), but it is a transaction: the clock builds it.
    await send(encodeRecord(registerRecord({ netuid: NETUID, role: 'miner', multiaddrs: [] })), '//Bob')
    const t = await clock.tick()
    expect(t).toMatchObject({ build: true, reason: 'transactions pending', ready: false })
    expect(devchain.head()).toBe(head + 1)
  })

  test('behavior: a late settlement is seen from its first approval in the pool to the approval that completes it', async () => {
    const [alice, bob] = await Promise.all([devKeypair('//Alice'), devKeypair('//Bob')])
    const watcher = newWatcher()
    const multisig = { address: multisigAddress([alice.address, bob.address], 2), threshold: 2 }
    const { call } = buildSettleCall({
      api: client.api,
      netuid: NETUID,
      round: 4,
      ledgerCid: CID,
      treasury: alice.address,
      assetId: NETUID,
      payouts: [],
    })
    const approve = async (pair: typeof alice, other: string) => {
      const pending = await readPendingCalls(client, { multisig: multisig.address })
      const tx = buildAsMulti(client.api, {
        threshold: 2,
        otherSignatories: [other],
        timepoint: pending[0]?.timepoint ?? null,
        call: call as never,
        maxWeight: { refTime: 10_000_000_000n, proofSize: 1_000_000n },
      })
      const nonce = await client.api.rpc.system.accountNextIndex(pair.address)
      await tx.signAndSend(pair, { nonce })
      for (let i = 0; i < 100 && devchain.chain.txPool.pendingExtrinsics.length === 0; i++)
        await new Promise((r) => setTimeout(r, 20))
    }
    const none = { proposed: false, proposalPending: false, completing: false }
    expect(await watcher.settleProgress(4, multisig)).toEqual(none)
    await approve(alice, bob.address)
    expect(await watcher.settleProgress(4, multisig)).toEqual({ ...none, proposalPending: true })
    // Another round's settlement is not this one's.
    expect(await watcher.settleProgress(5, multisig)).toEqual(none)
    await devchain.newBlock()
    expect(await watcher.settleProgress(4, multisig)).toEqual({ ...none, proposed: true })
    await approve(bob, alice.address)
    expect(await watcher.settleProgress(4, multisig)).toEqual({ ...none, proposed: true, completing: true })
  })
})
