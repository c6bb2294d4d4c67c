import type { Codec } from '@polkadot/types/types'
import { u8aToString } from '@polkadot/util'
import type { ChainClient } from '../client/index.ts'
import { isCanonicalCid } from '../protocol/index.ts'

/** The inputs of `readSettledRounds`. */
export type ReadSettledRoundsParameters = { netuid: number }

/** Settled rounds, ascending, with their ledger CIDs; items whose metadata is no CID are listed apart. */
export type ReadSettledRoundsReturnType = {
  rounds: { round: number; ledgerCid: string }[]
  invalid: { round: number; reason: string }[]
}

/**
 * The settled rounds of a subnet from state alone: item `r` of class `netuid` and its metadata
 * (design §5), so late joiners and researchers need no archive node.
 */
export async function readSettledRounds(
  client: ChainClient,
  p: ReadSettledRoundsParameters,
): Promise<ReadSettledRoundsReturnType> {
  const q = client.api.query.uniques
  const itemMeta = (q.instanceMetadataOf ?? q.itemMetadataOf) as unknown as {
    entries(netuid: number): Promise<[{ args: Codec[] }, Codec & { isSome: boolean; unwrap(): { data: Codec } }][]>
  }
  const out: ReadSettledRoundsReturnType = { rounds: [], invalid: [] }
  for (const [key, value] of await itemMeta.entries(p.netuid)) {
    const round = Number(key.args[1].toString())
    const text = value.isSome ? u8aToString(value.unwrap().data.toU8a(true)) : ''
    if (isCanonicalCid(text)) out.rounds.push({ round, ledgerCid: text })
    else out.invalid.push({ round, reason: 'item metadata is not a CID' })
  }
  out.rounds.sort((a, b) => a.round - b.round)
  return out
}
