import { readSettledRounds } from '../chain/index.ts'
import { describeError } from '../shared/errors/index.ts'
import type { NamedTensor } from '../shared/tensor.ts'
import type { RebaseSource } from '../shared/train/index.ts'
import type { MinerContext } from './minerContext.ts'
import { baseCheckpoint } from './subnetView.ts'

/** How often a training miner looks on chain for the checkpoint its delta will land in. */
const POLL_MS = 1000

/** A running watch: the training's rebase source, and how to end the watch. */
export type RebaseWatch = {
  source: RebaseSource
  /** Stops looking; resolves once a fetch in flight has ended (the follower then holds its checkpoint). */
  stop(): Promise<void>
  /** The checkpoint handed to the training, once there is one. */
  target(): { cid: string; settledRound: number } | undefined
  /** Resolves with that checkpoint's parameters once found, or undefined when the watch ends without it. */
  found(): Promise<readonly NamedTensor[] | undefined>
}

/**
 * Pipelined rounds (docs/network.md "Rebase"): round `round` trains on θ_base while round − 1 is
 * scored and settled. Once round − 1's checkpoint is settled — the one validators score this
 * round's deltas at (`scoringBase`) and the one they land in — the miner rebuilds it from its
 * deltas (the follower) and hands it to the training, which moves onto it and takes its delta from
 * it. Read from finalized heads, as every record the miner acts on; a failure is logged and the
 * watch tries again (the training goes on from its eager start meanwhile).
 */
export function watchForRebase(
  ctx: MinerContext,
  p: {
    round: number
    baseCid: string
    /** The watch ends by itself at this head (the end of the round's commit window). */
    until: number
  },
): RebaseWatch {
  let stopped = false
  let found: { cid: string; settledRound: number; params: readonly NamedTensor[] } | undefined
  const done = (async () => {
    let lastError = ''
    while (!stopped && !ctx.signal.aborted && ctx.head < p.until) {
      try {
        // A state read first: the ledger is fetched only once round − 1 has settled, not every second.
        const { rounds } = await readSettledRounds(ctx.client, { netuid: ctx.view.netuid })
        const newest = rounds.some((r) => r.round === p.round - 1)
          ? await baseCheckpoint(ctx.client, ctx.storage, ctx.view, {
              round: p.round,
              atBlockHash: (await ctx.client.api.rpc.chain.getBlockHash(ctx.head)).toHex(),
              signal: ctx.signal,
            })
          : undefined
        if (newest && newest.settledRound === p.round - 1 && newest.cid !== p.baseCid) {
          const { checkpoint, source } = await ctx.follower.get(newest.cid, ctx.signal)
          found = { cid: newest.cid, settledRound: newest.settledRound, params: checkpoint.params }
          ctx.log.info('newer checkpoint for the training', {
            round: p.round,
            cid: newest.cid,
            settledRound: newest.settledRound,
            from: source.how,
            downloadBytes: source.bytes,
          })
          return
        }
      } catch (err) {
        if (ctx.signal.aborted) return
        // Once per distinct reason: the watch polls every second.
        const reason = describeError(err)
        if (reason !== lastError) ctx.log.warn('looking for the settled checkpoint failed; trying again', { reason })
        lastError = reason
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS))
    }
  })()
  return {
    source: () => found?.params,
    found: () => done.then(() => found?.params),
    target: () => found && { cid: found.cid, settledRound: found.settledRound },
    async stop() {
      stopped = true
      await done
    },
  }
}
