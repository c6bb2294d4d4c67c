import type { Storage } from '../../shared/storage/index.ts'
import { readSettledRounds } from '../actions/index.ts'
import type { ChainClient } from '../client/index.ts'
import { MAX_LEDGER_BYTES, parseLedger } from '../ledger/index.ts'
import { InvalidLedgerError } from './errors.ts'

export type RoundBaseParameters = {
  netuid: number
  genesisCheckpoint: string
  round: number
  /** Hash of the round's train block (`RoundWindows.trainBlock`): the state the base is read in. */
  atBlockHash: string
  timeoutMs: number
  signal?: AbortSignal
}

export type RoundBaseReturnType = {
  /** The checkpoint a delta of this round must be trained from. */
  cid: string
  /** The settled round it comes from, or null for genesis. */
  settledRound: number | null
  ledgerCid: string | null
  /** Every round settled in that state. */
  settled: number[]
}

/**
 * The base checkpoint of a round (docs/network.md step 1): the checkpoint of the newest round settled
 * in the chain state of the round's train block (its first block, or with pipelined rounds the first
 * block of the round before), else genesis. Miners train from it and validators accept only it, so
 * both read it here; reading at that block means a settlement landing later does not change it.
 * Throws `InvalidLedgerError` when that ledger is unusable.
 */
export async function roundBase(
  client: ChainClient,
  storage: Pick<Storage, 'get'>,
  p: RoundBaseParameters,
): Promise<RoundBaseReturnType> {
  const at = { ...client, api: (await client.api.at(p.atBlockHash)) as unknown as ChainClient['api'] }
  const { rounds } = await readSettledRounds(at, { netuid: p.netuid })
  const settled = rounds.map((r) => r.round)
  const newest = rounds.filter((r) => r.round < p.round).at(-1)
  if (!newest) return { cid: p.genesisCheckpoint, settledRound: null, ledgerCid: null, settled }
  let ledger: ReturnType<typeof parseLedger>
  try {
    ledger = parseLedger(
      await storage.get(newest.ledgerCid, { maxBytes: MAX_LEDGER_BYTES, timeoutMs: p.timeoutMs, signal: p.signal }),
    )
  } catch (err) {
    if (p.signal?.aborted) throw err
    throw new InvalidLedgerError(newest.ledgerCid, 'it could not be fetched or parsed', err)
  }
  if (ledger.netuid !== p.netuid || ledger.round !== newest.round) {
    throw new InvalidLedgerError(newest.ledgerCid, `it is for subnet ${ledger.netuid} round ${ledger.round}`)
  }
  return { cid: ledger.checkpoint, settledRound: newest.round, ledgerCid: newest.ledgerCid, settled }
}
