import {
  CodecError,
  type DecodedDelta,
  decodeDelta,
  MetadataMismatchError,
  maxDeltaBytes,
  OversizeError,
  revealedDeltaExpect,
  type ShapeSpec,
} from '../shared/codec/index.ts'
import type { CrowdtrainConfig } from '../shared/config/index.ts'
import { describeError } from '../shared/errors/index.ts'
import type { Logger } from '../shared/logger/index.ts'
import { ContentTooLargeError, type Storage } from '../shared/storage/index.ts'
import { REASONS } from './scoreRound.ts'

// Moved down to shared/codec (checkpoint verify decodes deltas with the same limits); kept here for callers.
export { maxDeltaBytes }

/** Longest reason a score report row may carry. */
const MAX_REASON = 200

// A decode failure's reason: the CodecError's short message, named as a replay when the file is of another round.
function refusal(err: unknown): string {
  if (err instanceof MetadataMismatchError && err.key === 'round') return `${REASONS.replay}: ${err.shortMessage}`
  if (err instanceof OversizeError) return `${REASONS.oversize}: ${err.shortMessage}`
  return err instanceof CodecError ? err.shortMessage : describeError(err)
}

/** A reason fit for a report row (one line, at most 200 characters). */
export function shortReason(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim() || 'unknown error'
  return line.length > MAX_REASON ? `${line.slice(0, MAX_REASON - 1)}…` : line
}

/** The inputs of `fetchDelta`. */
export type FetchDeltaParameters = {
  storage: Pick<Storage, 'get' | 'pin'>
  cid: string
  hotkey: string
  round: number
  shard: number
  /** The shard's tensors (names and shapes, in shard order). */
  shapes: readonly ShapeSpec[]
  config: Pick<CrowdtrainConfig, 'task' | 'compress' | 'outer' | 'train'>
  /** The checkpoint CIDs a delta of this round may be built on; any other base is stale. Not checked when absent. */
  allowedBases?: ReadonlySet<string>
  timeoutMs: number
  logger: Logger
  signal?: AbortSignal
}

/** What fetching gave: the bytes arrived or not, decoded or not (with the reason), and the delta. */
export type FetchDeltaReturnType =
  | { fetched: false; valid: false; reason: string }
  | { fetched: true; valid: false; reason: string }
  | { fetched: true; valid: true; decoded: DecodedDelta }

/**
 * Fetches one revealed delta (size cap from the shard's shapes, timeout, abort), decodes it
 * strictly (shapes, round, shard, hotkey, task, compression, finite values, norm bound), checks its
 * base checkpoint, and pins it so this validator serves it. Never throws for the miner's faults:
 * unavailable → `unavailable`, decode failures → the CodecError's short message, old base → `stale`.
 */
export async function fetchDelta(p: FetchDeltaParameters): Promise<FetchDeltaReturnType> {
  const log = p.logger.forComponent('validator:fetch')
  const maxBytes = maxDeltaBytes(p.shapes, p.config.compress)
  let bytes: Uint8Array
  try {
    bytes = await p.storage.get(p.cid, { maxBytes, timeoutMs: p.timeoutMs, signal: p.signal })
  } catch (err) {
    if (p.signal?.aborted) throw err
    log.warn('delta not fetched', { cid: p.cid, hotkey: p.hotkey, reason: describeError(err) })
    if (err instanceof ContentTooLargeError)
      return { fetched: false, valid: false, reason: shortReason(`${REASONS.oversize}: ${err.shortMessage}`) }
    return { fetched: false, valid: false, reason: REASONS.unavailable }
  }
  let decoded: DecodedDelta
  try {
    decoded = decodeDelta(bytes, revealedDeltaExpect(p))
  } catch (err) {
    const reason = refusal(err)
    log.info('delta refused', { cid: p.cid, hotkey: p.hotkey, reason })
    return { fetched: true, valid: false, reason: shortReason(reason) }
  }
  if (p.allowedBases && !p.allowedBases.has(decoded.meta.baseCid)) {
    log.info('delta is stale', { cid: p.cid, hotkey: p.hotkey, base: decoded.meta.baseCid })
    return { fetched: true, valid: false, reason: REASONS.stale }
  }
  try {
    await p.storage.pin(p.cid, { signal: p.signal, timeoutMs: p.timeoutMs })
  } catch (err) {
    log.warn('delta not pinned', { cid: p.cid, reason: describeError(err) })
  }
  return { fetched: true, valid: true, decoded }
}
