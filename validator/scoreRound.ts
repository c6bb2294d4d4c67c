/**
 * The scoring rules of design §4 as pure functions over the per-delta measurements, so they can be
 * tested on small tensors without a model: staleness, eval improvement, the floor, near-duplicate
 * groups sharing one reward, and a reason for every zero. (An earlier gate compared the improvement
 * on a miner's assigned pages with the eval pages; on a few pages it refused honest deltas and told
 * wrong-data apart no better than chance — docs/network.md "Proof of training".)
 */

/**
 * Reasons in report rows, each naming a case a miner can look up (README "Security"). Decode
 * failures carry the CodecError's shortMessage as is; the prefixed reasons below add what went wrong.
 */
export const REASONS = {
  /** Not fetched within the timeout from any peer. */
  unavailable: 'unavailable',
  /** Announced or streamed more bytes than an honest delta of the shard can have (`oversize: …`). */
  oversize: 'oversize',
  /** The file names another round: a delta of an earlier round submitted again (`replay: …`). */
  replay: 'replay',
  /** Built on another checkpoint than the round's base. */
  stale: 'stale',
  /** Did not lower the eval loss (noise, poison, or a delta that hurts). */
  noImprovement: 'no-improvement',
  /** Lowered it by less than the floor share of the best delta of its shard: not told apart from a random step (`below-floor: …`). */
  belowFloor: 'below-floor',
  evalFailed: 'eval-failed',
  /** A reveal on chain that did not count (no matching commit, other shard…): `no-counted-reveal: …`. */
  noCountedReveal: 'no-counted-reveal',
  /** A near-duplicate of another delta this round: the group shares one reward. */
  duplicate: 'duplicate',
  /** A near-duplicate of a delta the base checkpoint already holds (`recycled: …`): work paid once already. */
  recycled: 'recycled',
  /** The proof of training failed (`unproven: …`): no snapshots, a replayed segment that ends elsewhere, a delta not tied to them. */
  unproven: 'unproven',
} as const

/** What a validator measured for one revealed delta before scoring. */
export type DeltaMeasurement = {
  uid: number
  hotkey: string
  cid: string
  shard: number
  fetched: boolean
  /** Decoded strictly and built on an allowed base. */
  valid: boolean
  /** Why it is not fetched or not valid. */
  reason?: string
  /** Seconds the fetch (and strict decode) took, fetched or not; absent for rows nothing was fetched for. */
  fetchSeconds?: number
  /** Loss on the eval pages before and after the step θ + η·Δ. */
  lossBase?: number
  lossStep?: number
  /** Uid of a delta already folded into the base that this one nearly repeats (cosine above `duplicateCosine`). */
  recycledFrom?: number
  /** Dense delta (shard tensors concatenated), for the cosine between deltas of one shard. */
  dense?: readonly Float32Array[]
}

/** One row of a score report (design §5 step 3). */
export type ScoreRow = {
  uid: number
  hotkey: string
  cid: string
  shard: number
  fetched: boolean
  valid: boolean
  reason?: string
  lossBase?: number
  lossStep?: number
  improvement?: number
  /** Smallest uid of the near-duplicate group this delta belongs to (only set for groups of two or more). */
  group?: number
  score: number
}

/** Settings of the scoring rules. */
export type ScoreRoundOptions = {
  /** Two deltas of one shard whose cosine is above this form a group. */
  duplicateCosine: number
  /**
   * A delta's eval improvement must reach this share of the best improvement of its shard this
   * round. A random step of the clip norm lowers the genesis loss by chance: measured up to 0.16
   * of the shard's best in tiny-preset devnets, while honest miners reached at least 0.39 of it.
   */
  floorShare: number
}

/** Default scoring settings. */
export const DEFAULT_SCORE_OPTIONS: ScoreRoundOptions = {
  duplicateCosine: 0.95,
  floorShare: 0.25,
}

/** Cosine similarity of two dense deltas (float64 sums); 0 when either is all zeros or their sizes differ. */
export function cosine(a: readonly Float32Array[], b: readonly Float32Array[]): number {
  if (a.length !== b.length) return 0
  let dot = 0
  let na = 0
  let nb = 0
  for (let t = 0; t < a.length; t++) {
    const x = a[t]
    const y = b[t]
    if (x.length !== y.length) return 0
    for (let i = 0; i < x.length; i++) {
      dot += x[i] * y[i]
      na += x[i] * x[i]
      nb += y[i] * y[i]
    }
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb)
}

/**
 * Near-duplicate groups among the given deltas: equal CIDs, or the same shard and cosine above the
 * threshold, joined transitively. Returns uid → smallest uid of its group, for groups of two or more.
 */
export function duplicateGroups(rows: readonly DeltaMeasurement[], threshold: number): Map<number, number> {
  const parent = new Map<number, number>(rows.map((r) => [r.uid, r.uid]))
  const find = (u: number): number => {
    let p = parent.get(u)!
    while (p !== parent.get(p)) p = parent.get(p)!
    parent.set(u, p)
    return p
  }
  const join = (a: number, b: number) => {
    const [ra, rb] = [find(a), find(b)]
    if (ra !== rb) parent.set(Math.max(ra, rb), Math.min(ra, rb))
  }
  for (let i = 0; i < rows.length; i++) {
    for (let j = i + 1; j < rows.length; j++) {
      const a = rows[i]
      const b = rows[j]
      if (a.cid === b.cid) join(a.uid, b.uid)
      else if (a.shard === b.shard && a.dense && b.dense && cosine(a.dense, b.dense) > threshold) join(a.uid, b.uid)
    }
  }
  const size = new Map<number, number>()
  for (const r of rows) size.set(find(r.uid), (size.get(find(r.uid)) ?? 0) + 1)
  const out = new Map<number, number>()
  for (const r of rows) if ((size.get(find(r.uid)) ?? 0) > 1) out.set(r.uid, find(r.uid))
  return out
}

// One delta's own score, before the floor and groups: its positive eval improvement.
function ownScore(m: DeltaMeasurement): { score: number; reason?: string; improvement?: number } {
  if (!m.fetched) return { score: 0, reason: m.reason ?? REASONS.unavailable }
  if (!m.valid) return { score: 0, reason: m.reason ?? REASONS.stale }
  if (m.lossBase === undefined || m.lossStep === undefined) return { score: 0, reason: m.reason ?? REASONS.evalFailed }
  const improvement = m.lossBase - m.lossStep
  if (!Number.isFinite(improvement)) return { score: 0, reason: REASONS.evalFailed }
  if (m.recycledFrom !== undefined)
    return {
      score: 0,
      reason: `${REASONS.recycled}: repeats the delta of uid ${m.recycledFrom} already in the base checkpoint`,
      improvement,
    }
  if (improvement <= 0) return { score: 0, reason: REASONS.noImprovement, improvement }
  return { score: improvement, improvement }
}

// Zeroes own scores under `share` of the best own score of their shard, with the reason.
function applyFloor(
  owns: { score: number; reason?: string; improvement?: number }[],
  shards: readonly number[],
  share: number,
): void {
  const best = new Map<number, number>()
  for (const [i, o] of owns.entries()) best.set(shards[i], Math.max(best.get(shards[i]) ?? 0, o.score))
  for (const [i, o] of owns.entries()) {
    const top = best.get(shards[i]) ?? 0
    if (o.score <= 0 || o.score >= share * top) continue
    o.score = 0
    o.reason =
      `${REASONS.belowFloor}: improvement ${o.improvement?.toFixed(4)} is under ${share} of the best of ` +
      `shard ${shards[i]} (${top.toFixed(4)}); a step this small is not told apart from a random one`
  }
}

/**
 * The report rows of one round, ascending uid: each delta's own score (zero with a reason when it
 * was not fetched, did not decode, is stale, did not improve or fell under the floor), then each near-duplicate group of valid deltas shares its best score equally among its
 * scoring members.
 */
export function scoreRound(measurements: readonly DeltaMeasurement[], options = DEFAULT_SCORE_OPTIONS): ScoreRow[] {
  const sorted = [...measurements].sort((a, b) => a.uid - b.uid)
  const owns = sorted.map(ownScore)
  applyFloor(
    owns,
    sorted.map((m) => m.shard),
    options.floorShare,
  )
  const rows: ScoreRow[] = sorted.map((m, i) => {
    const own = owns[i]
    const row: ScoreRow = {
      uid: m.uid,
      hotkey: m.hotkey,
      cid: m.cid,
      shard: m.shard,
      fetched: m.fetched,
      valid: m.fetched && m.valid,
      score: own.score,
    }
    if (own.reason !== undefined) row.reason = own.reason
    if (m.lossBase !== undefined) row.lossBase = m.lossBase
    if (m.lossStep !== undefined) row.lossStep = m.lossStep
    if (own.improvement !== undefined) row.improvement = own.improvement
    return row
  })
  const groups = duplicateGroups(
    sorted.filter((m) => m.fetched && m.valid),
    options.duplicateCosine,
  )
  const members = new Map<number, ScoreRow[]>()
  for (const row of rows) {
    const g = groups.get(row.uid)
    if (g === undefined) continue
    row.group = g
    row.reason ??= `${REASONS.duplicate}: near-duplicate group of uid ${g}; one reward shared`
    if (row.score > 0) members.set(g, [...(members.get(g) ?? []), row])
  }
  for (const group of members.values()) {
    const best = Math.max(...group.map((r) => r.score))
    for (const r of group) r.score = best / group.length
  }
  return rows
}

/**
 * Scores smoothed across rounds (EMA, keyed by hotkey so a replaced uid starts afresh): every
 * hotkey of the current metagraph gets `alpha·score + (1 − alpha)·previous` (score 0 when it
 * revealed nothing); hotkeys no longer registered are dropped.
 */
export function smoothScores(
  previous: ReadonlyMap<string, number>,
  current: ReadonlyMap<string, number>,
  registered: Iterable<string>,
  alpha = 0.5,
): Map<string, number> {
  const out = new Map<string, number>()
  for (const hotkey of registered) {
    const s = alpha * (current.get(hotkey) ?? 0) + (1 - alpha) * (previous.get(hotkey) ?? 0)
    if (Number.isFinite(s) && s > 0) out.set(hotkey, s)
  }
  return out
}
