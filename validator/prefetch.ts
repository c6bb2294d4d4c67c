import { decodeSafetensors, maxSnapshotBytes, parseDeltaMetadata } from '../shared/codec/index.ts'
import { describeError } from '../shared/errors/index.ts'
import type { ValidatorContext } from './context.ts'
import { maxDeltaBytes } from './fetchDelta.ts'
import { snapshotsToFetch } from './proveTraining.ts'
import type { RoundState } from './roundState.ts'
import { roundRecords } from './roundSteps.ts'
import { blockHash } from './subnetView.ts'

/**
 * Starts fetching revealed deltas during the reveal window, so evaluation reads them locally; with
 * the round's state (its eval seed), also the snapshots of each delta's proof that evaluation will read.
 */
export type Prefetcher = (
  ctx: ValidatorContext,
  round: number,
  head: number,
  signal: AbortSignal,
  state?: RoundState | null,
) => void

/**
 * A prefetcher: each call queues the delta reveals counted so far (up to `head`) that were not
 * queued yet, and fetches them one by one in the background with the same size cap and timeout as
 * evaluation (never `pin`, which has no size cap). Bytes are dropped: the blocks stay in the store.
 * Failures are only logged; evaluation fetches again and records the reason.
 */
export function createPrefetcher(): Prefetcher {
  const queued = new Set<string>()
  let chain: Promise<void> = Promise.resolve()
  let closeHash: Promise<string> | undefined
  let hashRound = -1
  return (ctx, round, head, signal, state) => {
    if (round !== hashRound) {
      hashRound = round
      closeHash = undefined
    }
    for (const d of roundRecords(ctx, round, head).deltaReveals) {
      const shard = ctx.plan.shards[d.shard]
      if (!shard || queued.has(d.cid)) continue
      queued.add(d.cid)
      const shapes = shard.names.map((name) => ({ name, shape: ctx.paramShapes.get(name) ?? [] }))
      chain = chain.then(async () => {
        if (signal.aborted) return
        try {
          const bytes = await ctx.storage.get(d.cid, {
            maxBytes: maxDeltaBytes(shapes, ctx.view.config.compress),
            timeoutMs: ctx.fetchTimeoutMs,
            signal,
          })
          ctx.logger.debug('delta prefetched', { round, uid: d.uid, cid: d.cid })
          if (!state) return
          // The proof's snapshots this validator will replay from (the same draw as evaluation's).
          const { meta } = parseDeltaMetadata(decodeSafetensors(bytes, { maxBytes: bytes.length }).metadata)
          if (!meta.proof) return
          // One read of the commit-closing block's hash per round, not one per delta.
          closeHash ??= blockHash(ctx.client, ctx.view.schedule.forRound(round).commitClosedBlock).catch((err) => {
            closeHash = undefined // read again for the next delta
            throw err
          })
          const drawHash = await closeHash
          const drawSeed = [state.evalSeed, drawHash, d.cid]
          for (const i of snapshotsToFetch(meta.proof, ctx.view.config.train.innerSteps, drawSeed, d.hotkey)) {
            await ctx.storage.get(meta.proof.snapshots[i], {
              maxBytes: maxSnapshotBytes(shapes),
              timeoutMs: ctx.fetchTimeoutMs,
              signal,
            })
          }
          ctx.logger.debug('proof prefetched', { round, uid: d.uid, cid: d.cid })
        } catch (err) {
          ctx.logger.debug('delta prefetch failed', { round, uid: d.uid, cid: d.cid, reason: describeError(err) })
        }
      })
    }
  }
}
