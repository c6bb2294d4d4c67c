import { blockHash, clientAt, readSettledRounds, readStakeSnapshot } from '../../chain/index.ts'
import { type LedgerInputFields, ledgerInputFields, type RoundLedger } from '../../chain/ledger/index.ts'
import { collectRoundRecords } from '../../chain/protocol/index.ts'
import type { SubnetView } from '../../chain/subnet/index.ts'
import { describeError } from '../../shared/errors/index.ts'
import { canonicalJson } from '../../shared/p2p/index.ts'
import { carriedVoidRounds, createChainView } from '../../validator/index.ts'
import type { OpenSubnet } from './openSubnet.ts'

/** What a ledger must copy from the chain: its round's inputs, the emission and the parent checkpoint. */
type ChainFields = LedgerInputFields & Pick<RoundLedger, 'emission' | 'parent'>

/**
 * Round r's settlement inputs read from the chain as validators read them: the registrations up to the
 * round's weights-reveal grace end (metagraph), the stake at its first block, the counted delta and
 * weights reveals, the emission with the void rounds it carries, and θ_r (the newest checkpoint
 * settled by then). Scans the blocks from genesis to that grace end and reads the state at two blocks.
 */
export async function ledgerFieldsFromChain(net: OpenSubnet, view: SubnetView, round: number): Promise<ChainFields> {
  const { schedule, config } = view
  const end = schedule.forRound(round).weightsReveal.graceEnd
  // The validators' own view of the chain (registrations and records from one scan from block 0).
  const chain = createChainView({
    client: net.client,
    netuid: net.netuid,
    maxUids: config.subnet.maxUids,
    immunityBlocks: config.subnet.immunityBlocks,
    validatorSet: new Set(view.validators.map((v) => v.hotkey)),
    logger: net.logger,
  })
  await chain.refresh(end)
  const recordsOf = (q: number) => {
    const to = schedule.forRound(q).weightsReveal.graceEnd
    return collectRoundRecords({
      netuid: net.netuid,
      round: q,
      remarks: chain.remarksIn(schedule.forRound(q).firstBlock, to),
      members: chain.membersAt(to),
      schedule,
      config,
    })
  }
  const members = chain.membersAt(end)
  const records = recordsOf(round)
  const stake = await readStakeSnapshot(net.client, { block: schedule.forRound(round).firstBlock, members })
  const atEnd = await clientAt(net.client, await blockHash(net.client, end))
  const settled = (await readSettledRounds(atEnd, { netuid: net.netuid })).rounds
  const newest = settled.filter((r) => r.round < round).at(-1)
  const parent = newest ? (await net.ledger(newest)).checkpoint : view.genesisCheckpoint
  const carried = carriedVoidRounds({
    round,
    settled: new Set(settled.map((r) => r.round)),
    hadReveals: (q) => recordsOf(q).weightReveals.length > 0,
  })
  return {
    ...ledgerInputFields({ members, stake, deltaReveals: records.deltaReveals, weightReveals: records.weightReveals }),
    emission: (BigInt(config.subnet.emissionPerRound) * BigInt(1 + carried.length)).toString(),
    parent,
  }
}

/** The ledger fields that differ from `fromChain`, by name. */
export function fieldsDiffering(ledger: RoundLedger, fromChain: ChainFields): (keyof ChainFields)[] {
  return (Object.keys(fromChain) as (keyof ChainFields)[]).filter(
    (k) => canonicalJson(fromChain[k]) !== canonicalJson(ledger[k]),
  )
}

/** `verify`'s records check: the ledger's inputs against the chain; a chain that cannot answer fails it, with why. */
export async function checkRecords(
  net: OpenSubnet,
  view: SubnetView,
  ledger: RoundLedger,
): Promise<{ part: 'records'; ok: boolean; detail: string }> {
  const end = view.schedule.forRound(ledger.round).weightsReveal.graceEnd
  let fromChain: ChainFields
  try {
    fromChain = await ledgerFieldsFromChain(net, view, ledger.round)
  } catch (err) {
    return {
      part: 'records',
      ok: false,
      detail: `the chain's records up to block ${end} could not be read (${describeError(err)}); --trust-ledger skips this check`,
    }
  }
  const differ = fieldsDiffering(ledger, fromChain)
  return differ.length === 0
    ? {
        part: 'records',
        ok: true,
        detail: `metagraph, stake, reveals, emission and parent match the chain up to block ${end}`,
      }
    : {
        part: 'records',
        ok: false,
        detail: `the ledger's ${differ.join(', ')} differ from what the chain holds up to block ${end}: it was not settled from the chain's records`,
      }
}
