import type { KeyringPair } from '@polkadot/keyring/types'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  AlreadySettledError,
  buildSettleCall,
  buildWeights,
  type ChainClient,
  claim,
  collectRegistrations,
  collectRound,
  commitDelta,
  commitWeights,
  connect,
  createSubnet,
  type Devchain,
  devKeypair,
  InsufficientFundsError,
  payouts,
  readBalances,
  readRound,
  readSettledRounds,
  readSubnet,
  register,
  revealDelta,
  revealWeights,
  rotateValidators,
  roundWindows,
  SettlementMismatchError,
  settle,
  startDevchain,
  TreasuryCallFailedError,
  treasuryCall,
  type WeightEntry,
  yuma,
} from '../chain/index.ts'
import { silentLogger } from '../shared/logger/index.ts'

const NETUID = 7
const FEE = 10n ** 10n
const EMISSION = 10n ** 12n
const DOC_CID = 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy'
const LEDGER_CID = 'bafkreidgvpkjawlxz6sffxzwgooowe5yt7i6wsyg236mfoks77nywkptdq'
const DELTA_CID = 'bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4'
const SPLIT = { owner: 1800, miners: 4100, validators: 4100 }
const hex32 = (b: number) => `0x${b.toString(16).padStart(2, '0').repeat(32)}` as `0x${string}`

let devchain: Devchain
let client: ChainClient
let owner: KeyringPair
let validators: KeyringPair[]
let miners: KeyringPair[]
let treasury: string
let assetId: number
const signatories = () => validators.map((v) => v.address)

beforeAll(async () => {
  devchain = await startDevchain({ logger: silentLogger })
  client = await connect({ url: devchain.url, logger: silentLogger })
  owner = await devKeypair('//Dave')
  validators = await Promise.all(['//Alice', '//Bob', '//Charlie'].map(devKeypair))
  miners = await Promise.all([1, 2, 3, 4].map((i) => devKeypair(`//Miner${i}`)))
  await devchain.fund(
    miners.map((m) => m.address),
    10n ** 13n,
  )
})

afterAll(async () => {
  await client?.disconnect()
  await devchain?.stop()
})

/** Builds empty blocks until the next transaction lands in block `target`. */
async function moveTo(target: number) {
  const head = devchain.head()
  if (target - 1 > head) await devchain.newBlock(target - 1 - head)
}

describe('chain: a subnet round end to end', () => {
  it('default: create, register, commit/reveal, consensus, 2-of-3 settle, claims', async () => {
    const created = await createSubnet(client, {
      owner,
      netuid: NETUID,
      documentCid: DOC_CID,
      validators: signatories(),
      threshold: 2,
    })
    treasury = created.treasury
    assetId = created.assetId
    const subnet = await readSubnet(client, { netuid: NETUID })
    expect(subnet).toMatchObject({ treasury, documentCid: DOC_CID, assetId, controllers: [created.multisig] })

    for (const v of validators)
      await register(client, { signer: v, netuid: NETUID, role: 'validator', multiaddrs: [], treasury, fee: FEE })
    for (const m of miners)
      await register(client, { signer: m, netuid: NETUID, role: 'miner', multiaddrs: [], treasury, fee: FEE })

    const genesisBlock = devchain.head() + 1
    const schedule = roundWindows({
      tempo: 16,
      genesisBlock,
      grace: 0,
      windows: { commit: 4, reveal: 4, evaluate: 4, weightsReveal: 3 },
    })
    const w = schedule.forRound(0)
    for (const m of miners) await commitDelta(client, { signer: m, netuid: NETUID, round: 0, cid: DELTA_CID, schedule })
    await moveTo(w.reveal.start)
    for (const m of miners)
      await revealDelta(client, { signer: m, netuid: NETUID, round: 0, shard: 0, cid: DELTA_CID, schedule })
    const weightsOf: WeightEntry[][] = [
      [
        [3, 40000],
        [4, 20000],
        [5, 5000],
        [6, 1000],
      ],
      [
        [3, 38000],
        [4, 22000],
        [5, 5000],
        [6, 1000],
      ],
      [
        [3, 1000],
        [4, 1000],
        [5, 60000],
        [6, 1000],
      ],
    ]
    // The fourth miner then empties its account: it holds no native balance when the round settles.
    await client.submit(client.api.tx.balances.transferAll(owner.address, false), miners[3])
    expect((await readBalances(client, { addresses: [miners[3].address] })).get(miners[3].address)?.native).toBe(0n)
    await moveTo(w.evaluate.start)
    for (const [i, v] of validators.entries()) {
      await commitWeights(client, {
        signer: v,
        netuid: NETUID,
        round: 0,
        weights: weightsOf[i],
        salt: hex32(i + 1),
        evalSeed: hex32(i + 9),
        schedule,
      })
    }
    await moveTo(w.weightsReveal.start)
    for (const [i, v] of validators.entries()) {
      const p = {
        signer: v,
        netuid: NETUID,
        round: 0,
        weights: weightsOf[i],
        salt: hex32(i + 1),
        evalSeed: hex32(i + 9),
      }
      await revealWeights(client, { ...p, reportCid: LEDGER_CID, schedule })
    }
    await moveTo(w.settle.start)

    // Everyone computes the same consensus from chain data alone.
    const { remarks } = await readRound(client, { from: 0 })
    const reg = collectRegistrations(remarks, { netuid: NETUID, maxUids: 16, immunityBlocks: 0 })
    expect(reg.members.map((m) => m.role)).toEqual([
      'validator',
      'validator',
      'validator',
      'miner',
      'miner',
      'miner',
      'miner',
    ])
    const round = collectRound({ netuid: NETUID, round: 0, remarks, members: reg.byHotkey, windows: schedule })
    expect(round.deltaReveals).toHaveLength(4)
    expect(round.weightReveals).toHaveLength(3)
    const n = reg.members.length
    const stakes = await readBalances(client, { addresses: reg.members.map((m) => m.stakeAccount ?? m.hotkey) })
    const stake = reg.members.map((m) =>
      m.role === 'validator' ? (stakes.get(m.stakeAccount ?? m.hotkey)?.native ?? 0n) : 0n,
    )
    const { weights, revealed } = buildWeights({ n, reveals: round.weightReveals, minerUids: new Set([3, 4, 5, 6]) })
    const y = yuma({
      stake,
      weights,
      revealed,
      bondsPrev: null,
      kappa: 32767,
      bondsPenalty: 65535,
      bondsMovingAverage: 900000,
    })
    const pay = payouts({ total: EMISSION, split: SPLIT, incentive: y.incentive, dividends: y.dividends })
    const list = [
      { address: owner.address, amount: pay.owner },
      ...[...pay.byUid].map(([uid, amount]) => ({ address: reg.members[uid].hotkey, amount })),
    ]
    const ours = buildSettleCall({
      api: client.api,
      netuid: NETUID,
      round: 0,
      ledgerCid: LEDGER_CID,
      treasury,
      assetId,
      payouts: list,
    })
    expect(pay.byUid.get(6)).toBeGreaterThan(0n)

    const proposed = await settle(client, {
      signer: validators[0],
      signatories: signatories(),
      threshold: 2,
      netuid: NETUID,
      round: 0,
      call: ours.call,
    })
    expect(proposed.status).toBe('proposed')
    // A validator that computed different payouts refuses and says what differs.
    const tampered = buildSettleCall({
      api: client.api,
      netuid: NETUID,
      round: 0,
      ledgerCid: LEDGER_CID,
      treasury,
      assetId,
      payouts: [...list, { address: miners[0].address, amount: 5n }],
    })
    const mismatch = await settle(client, {
      signer: validators[2],
      signatories: signatories(),
      threshold: 2,
      netuid: NETUID,
      round: 0,
      call: tampered.call,
    }).catch((e) => e)
    expect(mismatch).toBeInstanceOf(SettlementMismatchError)
    expect((mismatch as SettlementMismatchError).differences.join('\n')).toContain(miners[0].address)
    const executed = await settle(client, {
      signer: validators[1],
      signatories: signatories(),
      threshold: 2,
      netuid: NETUID,
      round: 0,
      call: ours.call,
    })
    expect(executed.status).toBe('executed')

    const approved = await readBalances(client, { addresses: list.map((p) => p.address), assetId, treasury })
    for (const p of list) expect(approved.get(p.address)?.approved).toBe(p.amount)
    expect(await readSettledRounds(client, { netuid: NETUID })).toEqual({
      rounds: [{ round: 0, ledgerCid: LEDGER_CID }],
      invalid: [],
    })

    for (const [k, m] of miners.slice(0, 3).entries()) {
      const got = await claim(client, { signer: m, assetId, treasuries: [treasury] })
      expect(got.total).toBe(pay.byUid.get(3 + k) ?? 0n)
    }
    const after = await readBalances(client, { addresses: miners.map((m) => m.address), assetId, treasury })
    expect(after.get(miners[0].address)).toMatchObject({ asset: pay.byUid.get(3), approved: 0n })
    // The empty miner's reward waits, approved, until it has native funds for the claim fee.
    expect(after.get(miners[3].address)).toMatchObject({ asset: 0n, approved: pay.byUid.get(6) })
  })

  it('error: settling the same round again fails on chain and pays nothing', async () => {
    const call = buildSettleCall({
      api: client.api,
      netuid: NETUID,
      round: 0,
      ledgerCid: LEDGER_CID,
      treasury,
      assetId,
      payouts: [{ address: miners[0].address, amount: 999n }],
    }).call
    const before = await readBalances(client, { addresses: [treasury, miners[0].address], assetId, treasury })
    await expect(
      settle(client, {
        signer: validators[0],
        signatories: signatories(),
        threshold: 2,
        netuid: NETUID,
        round: 0,
        call,
      }),
    ).rejects.toBeInstanceOf(AlreadySettledError)
    const p = { signatories: signatories(), threshold: 2, netuid: NETUID, round: 0, call, skipPrecheck: true }
    await settle(client, { ...p, signer: validators[0] })
    await expect(settle(client, { ...p, signer: validators[2] })).rejects.toBeInstanceOf(AlreadySettledError)
    expect(await readBalances(client, { addresses: [treasury, miners[0].address], assetId, treasury })).toEqual(before)
  })

  it('behavior: with a wrong proposal pending, honest validators refuse it, propose their own beside it and settle', async () => {
    const round = 5
    const base = { api: client.api, netuid: NETUID, round, ledgerCid: LEDGER_CID, treasury, assetId }
    const watched = [miners[1].address, validators[2].address]
    const before = await readBalances(client, { addresses: watched, assetId, treasury })
    const honest = buildSettleCall({ ...base, payouts: [{ address: miners[1].address, amount: 7n }] })
    const wrong = buildSettleCall({
      ...base,
      payouts: [
        { address: miners[1].address, amount: 7n },
        { address: validators[2].address, amount: EMISSION },
      ],
    })
    const p = { signatories: signatories(), threshold: 2, netuid: NETUID, round }
    expect((await settle(client, { ...p, signer: validators[2], call: wrong.call })).status).toBe('proposed')
    const refusal = await settle(client, { ...p, signer: validators[0], call: honest.call }).catch((e) => e)
    expect(refusal).toBeInstanceOf(SettlementMismatchError)
    expect((refusal as SettlementMismatchError).differences.join('\n')).toContain(validators[2].address)
    const refused = new Set([wrong.callHash])
    expect((await settle(client, { ...p, signer: validators[0], call: honest.call, refused })).status).toBe('proposed')
    expect((await settle(client, { ...p, signer: validators[1], call: honest.call, refused })).status).toBe('executed')
    const got = await readBalances(client, { addresses: watched, assetId, treasury })
    expect(got.get(miners[1].address)?.approved).toBe((before.get(miners[1].address)?.approved ?? 0n) + 7n)
    expect(got.get(validators[2].address)?.approved).toBe(before.get(validators[2].address)?.approved)
    expect((await readSettledRounds(client, { netuid: NETUID })).rounds.map((r) => r.round)).toContain(round)
  })

  it('error: a registration whose fee cannot be paid leaves a failed remark that nobody counts', async () => {
    const poor = await devKeypair('//Poor')
    await devchain.fund([poor.address], 10n ** 10n)
    const err = await register(client, {
      signer: poor,
      netuid: NETUID,
      role: 'miner',
      multiaddrs: [],
      treasury,
      fee: 10n ** 12n,
    }).catch((e) => e)
    expect(err).toBeInstanceOf(InsufficientFundsError)
    const head = devchain.head()
    const { remarks } = await readRound(client, { from: head, to: head })
    expect(remarks).toEqual([expect.objectContaining({ signer: poor.address, success: false })])
    const reg = collectRegistrations(remarks, { netuid: NETUID, maxUids: 16, immunityBlocks: 0 })
    expect(reg.members).toEqual([])
    expect(reg.ignored[0].code).toBe('failed')
  })

  it('behavior: a record in an interrupted utility.batch is marked failed', async () => {
    const api = client.api
    const text = 'ct1:{"hash":"0x00","netuid":7,"round":0,"t":"delta-commit","v":1}'
    const batch = api.tx.utility.batch([
      api.tx.balances.transferKeepAlive(owner.address, 10n ** 20n).method,
      api.tx.system.remark(text).method,
    ])
    const res = await client.submit(batch, miners[0])
    expect(res.events.some((r) => r.event.method === 'BatchInterrupted')).toBe(true)
    const { remarks } = await readRound(client, { from: res.blockNumber, to: res.blockNumber })
    expect(remarks).toEqual([
      { block: res.blockNumber, index: res.index, signer: miners[0].address, success: false, text },
    ])
  })

  it('behavior: rotating the validator set keeps the treasury; the old multisig is locked out', async () => {
    const next = await Promise.all(['//Eve', '//Ferdie', '//Dave'].map(devKeypair))
    const settledBefore = (await readSettledRounds(client, { netuid: NETUID })).rounds.map((r) => r.round)
    expect(settledBefore).not.toContain(1)
    const p = {
      treasury,
      signatories: signatories(),
      threshold: 2,
      newSignatories: next.map((k) => k.address),
      newThreshold: 2,
    }
    expect((await rotateValidators(client, { ...p, signer: validators[1] })).status).toBe('proposed')
    const done = await rotateValidators(client, { ...p, signer: validators[0] })
    expect(done.status).toBe('executed')
    const subnet = await readSubnet(client, { netuid: NETUID })
    expect(subnet.treasury).toBe(treasury)
    expect(subnet.controllers).toEqual([done.newMultisig])
    const call = buildSettleCall({
      api: client.api,
      netuid: NETUID,
      round: 1,
      ledgerCid: LEDGER_CID,
      treasury,
      assetId,
      payouts: [],
    }).call
    await treasuryCall(client, { signer: validators[0], signatories: signatories(), threshold: 2, call })
    const err = await treasuryCall(client, {
      signer: validators[1],
      signatories: signatories(),
      threshold: 2,
      call,
    }).catch((e) => e)
    expect(err).toBeInstanceOf(TreasuryCallFailedError)
    expect((err as TreasuryCallFailedError).errorName).toBe('proxy.NotProxy')
    // The new set settles round 1 as the same treasury.
    const nextSigs = next.map((k) => k.address)
    await settle(client, { signer: next[0], signatories: nextSigs, threshold: 2, netuid: NETUID, round: 1, call })
    expect(
      (await settle(client, { signer: next[1], signatories: nextSigs, threshold: 2, netuid: NETUID, round: 1, call }))
        .status,
    ).toBe('executed')
    const settledAfter = (await readSettledRounds(client, { netuid: NETUID })).rounds.map((r) => r.round)
    expect(settledAfter).toEqual([...settledBefore, 1].sort((a, b) => a - b))
  })
})
