import { type ChainClient, readRound } from '../chain/index.ts'
import { accountId, type BlockWindow, deltaCommitHash, parseRecord } from '../chain/protocol/index.ts'

/** The inputs of `findOwnRecord`. */
export type FindOwnRecordParameters = {
  window: BlockWindow
  head: number
  signer: string
  netuid: number
  round: number
  kind: 'commit' | 'reveal'
  cid: string
  signal?: AbortSignal
}

/**
 * The block of this miner's own successful `delta-commit` (matching hash) or `delta-reveal`
 * (matching CID) for a round, looked up in the window's blocks up to the head; undefined if none.
 * A miner killed between sending and persisting uses it not to send twice.
 */
export async function findOwnRecord(client: ChainClient, p: FindOwnRecordParameters): Promise<number | undefined> {
  const to = Math.min(p.head, p.window.graceEnd)
  if (to < p.window.start) return undefined
  const { remarks } = await readRound(client, { from: p.window.start, to, signal: p.signal })
  const me = accountId(p.signer)
  const hash = deltaCommitHash(p.signer, p.netuid, p.round, p.cid)
  for (const r of remarks) {
    if (!r.success || accountId(r.signer) !== me) continue
    const parsed = parseRecord(r.text)
    if (!parsed.ok || parsed.record.netuid !== p.netuid) continue
    const rec = parsed.record
    if (p.kind === 'commit' && rec.t === 'delta-commit' && rec.round === p.round && rec.hash === hash) return r.block
    if (p.kind === 'reveal' && rec.t === 'delta-reveal' && rec.round === p.round && rec.cid === p.cid) return r.block
  }
  return undefined
}
