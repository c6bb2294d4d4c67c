import { blake2AsU8a, encodeAddress } from '@polkadot/util-crypto'
import {
  buildAsMulti,
  buildSettleCall,
  type ChainClient,
  callWeight,
  connect,
  createSubnet,
  devKeypair,
  multisigAddress,
  otherSignatories,
  readRound,
  settle,
  startDevchain,
} from '../../chain/index.ts'
import type { Logger } from '../../shared/logger/index.ts'

const DOC_CID = 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy'
const RECORD =
  'ct1:{"hash":"0x0000000000000000000000000000000000000000000000000000000000000000","netuid":1,"round":0,"t":"delta-commit","v":1}'

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const round1 = (x: number) => Math.round(x * 10) / 10

/**
 * The embedded chain's figures: start-up, submit-to-inclusion latency of one record, reading a
 * round's records, and the largest settlement (approvals in one settle extrinsic) that fits the
 * block's weight limit — found by binary search on weight queries, then executed once to confirm.
 */
export async function run(opts: { json: boolean; logger: Logger }): Promise<Record<string, unknown>> {
  const log = opts.logger
  let t = performance.now()
  const devchain = await startDevchain({ logger: log })
  const startupMs = Math.round(performance.now() - t)
  t = performance.now()
  const client = await connect({ url: devchain.url, logger: log })
  const connectMs = Math.round(performance.now() - t)
  try {
    const alice = await devKeypair('//Alice')
    const inclusion: number[] = []
    for (let i = 0; i < 5; i++) {
      t = performance.now()
      await client.submit(client.api.tx.system.remark(RECORD), alice)
      inclusion.push(performance.now() - t)
    }
    log.info('inclusion measured', { ms: inclusion.map(Math.round) })

    const read = await readRecords(client, alice)
    const approvals = await maxApprovals(client, log)
    return {
      startupMs,
      connectMs,
      inclusionMs: round1(median(inclusion)),
      inclusionSamplesMs: inclusion.map(Math.round),
      readRecords: read.records,
      readBlocks: read.blocks,
      readMs: read.ms,
      readRecordsPerSec: Math.round((read.records / read.ms) * 1000),
      maxApprovalsPerSettle: approvals.max,
      settleWeightLimit: approvals.limit.toString(),
      maxSettleExecuted: approvals.executed,
      maxSettleExecuteMs: approvals.executeMs,
    }
  } finally {
    await client.disconnect()
    await devchain.stop()
  }
}

/** 200 records over 10 blocks (batches of 20 remarks), then read back as one round. */
async function readRecords(client: ChainClient, signer: Awaited<ReturnType<typeof devKeypair>>) {
  const { api } = client
  const from = (await client.finalizedHead()).number + 1
  for (let b = 0; b < 10; b++) {
    await client.submit(
      api.tx.utility.batchAll(Array.from({ length: 20 }, () => api.tx.system.remark(RECORD).method)),
      signer,
    )
  }
  const t = performance.now()
  const { remarks, to } = await readRound(client, { from })
  return { records: remarks.length, blocks: to - from + 1, ms: Math.round(performance.now() - t) }
}

/** Binary search on k: the executing `asMulti` of a k-approval settle must fit `maxExtrinsic`. */
async function maxApprovals(client: ChainClient, log: Logger) {
  const { api } = client
  const [owner, a, b] = await Promise.all(['//Dave', '//Alice', '//Bob'].map(devKeypair))
  const signatories = [a.address, b.address]
  const subnet = await createSubnet(client, {
    owner,
    netuid: 1,
    documentCid: DOC_CID,
    validators: signatories,
    threshold: 2,
  })
  const ms = multisigAddress(signatories, 2)
  const limit = api.consts.system.blockWeights.perClass.normal.maxExtrinsic.unwrap() as unknown as {
    refTime?: { toBigInt(): bigint }
    toBigInt?(): bigint
  }
  const maxRef = limit.refTime ? limit.refTime.toBigInt() : (limit as { toBigInt(): bigint }).toBigInt()
  const beneficiaries = Array.from({ length: 4096 }, (_, i) => encodeAddress(blake2AsU8a(`beneficiary-${i}`), 42))
  const callFor = (k: number) =>
    buildSettleCall({
      api,
      netuid: 1,
      round: 0,
      ledgerCid: DOC_CID,
      treasury: subnet.treasury,
      assetId: subnet.assetId,
      payouts: beneficiaries.slice(0, k).map((address) => ({ address, amount: 1000n })),
      maxApprovals: Number.POSITIVE_INFINITY,
    }).call
  const fits = async (k: number) => {
    const call = callFor(k)
    const maxWeight = await callWeight(api, call, ms)
    const tx = buildAsMulti(api, {
      threshold: 2,
      otherSignatories: otherSignatories(signatories, b.address),
      timepoint: { height: 1, index: 1 },
      call: call as never,
      maxWeight,
    })
    const info = await tx.paymentInfo(b.address)
    const w = info.weight as unknown as { refTime?: { toBigInt(): bigint }; toBigInt?(): bigint }
    const ref = w.refTime ? w.refTime.toBigInt() : (w as { toBigInt(): bigint }).toBigInt()
    return ref <= maxRef
  }
  let lo = 1
  let hi = beneficiaries.length
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2)
    if (await fits(mid)) lo = mid
    else hi = mid - 1
  }
  log.info('largest settle by weight', { approvals: lo })
  // Execute the largest one for real: the weight estimate must hold on chain.
  const call = callFor(lo)
  await settle(client, { signer: a, signatories, threshold: 2, netuid: 1, round: 0, call })
  const t = performance.now()
  const done = await settle(client, { signer: b, signatories, threshold: 2, netuid: 1, round: 0, call })
  return { max: lo, limit: maxRef, executed: done.status === 'executed', executeMs: Math.round(performance.now() - t) }
}
