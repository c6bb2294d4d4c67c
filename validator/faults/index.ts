import type { CommitEntry, WeightEntry, WeightsRevealEntry } from '../../chain/protocol/index.ts'
import { accountId, randomHex32 } from '../../chain/protocol/index.ts'
import { UsageError } from '../../shared/errors/index.ts'
import { NotFoundError, type Storage } from '../../shared/storage/index.ts'

/**
 * Faults a validator can be told to commit on purpose (`crowdtrain validator run --faulty KIND`, a
 * hidden option for robustness tests and the devnet's `--faulty-validator`). Each one is a way a
 * real validator can misbehave; the protocol must clip or ignore it:
 * - `outlier`: all weight to one miner (Yuma's κ-stake consensus clips it);
 * - `copier`: copies another validator's weights commit and then its reveal (commits bind the
 *   hotkey, so the reveal does not match and `collectRound` ignores it);
 * - `no-reveal`: commits, never reveals;
 * - `bad-reveal`: reveals weights that do not match its commit (another salt);
 * - `offline`: never settles (no proposal, no approval);
 * - `wrong-settle`: proposes a settlement paying itself extra, at once, and approves nothing else.
 */
export const FAULT_KINDS = ['outlier', 'copier', 'no-reveal', 'bad-reveal', 'offline', 'wrong-settle'] as const

/** One kind of validator fault. */
export type FaultKind = (typeof FAULT_KINDS)[number]

/** The faults of one validator (empty for an honest one). */
export type ValidatorFaults = ReadonlySet<FaultKind>

// Faults acting on the same step cannot be combined: the validator would have to do both.
const STEP_OF: Record<FaultKind, 'weights' | 'reveal' | 'settle'> = {
  outlier: 'weights',
  copier: 'reveal',
  'no-reveal': 'reveal',
  'bad-reveal': 'reveal',
  offline: 'settle',
  'wrong-settle': 'settle',
}

/** Parses `--faulty` values (each a kind, or kinds joined by `+`); throws `UsageError` on an unknown kind or a clash. */
export function parseFaults(values: readonly string[]): Set<FaultKind> {
  const out = new Set<FaultKind>()
  const steps = new Map<string, FaultKind>()
  for (const kind of values.flatMap((v) => v.split('+'))) {
    if (!(FAULT_KINDS as readonly string[]).includes(kind))
      throw new UsageError(`Unknown validator fault "${kind}".`, `Use one of ${FAULT_KINDS.join(', ')}.`)
    const k = kind as FaultKind
    const clash = steps.get(STEP_OF[k])
    if (clash && clash !== k)
      throw new UsageError(`Validator faults "${clash}" and "${k}" both act on the ${STEP_OF[k]} step.`)
    steps.set(STEP_OF[k], k)
    out.add(k)
  }
  return out
}

/**
 * `outlier`: all weight (65535) to the miner the honest weights rate lowest (missing = 0; ties go to
 * the highest uid), nothing to the others — the vote that consensus must clip.
 */
export function outlierWeights(honest: readonly WeightEntry[], minerUids: readonly number[]): WeightEntry[] {
  if (minerUids.length === 0) return []
  const of = new Map(honest)
  let pick = minerUids[0]
  for (const uid of minerUids) {
    const w = of.get(uid) ?? 0
    const best = of.get(pick) ?? 0
    if (w < best || (w === best && uid > pick)) pick = uid
  }
  return [[pick, 65535]]
}

/** `copier`: the first counted weights commit of another validator this round (the one to copy), if any. */
export function commitToCopy(commits: readonly CommitEntry[], me: string): CommitEntry | undefined {
  const id = accountId(me)
  return [...commits].sort((a, b) => a.block - b.block || a.index - b.index).find((c) => accountId(c.hotkey) !== id)
}

/** `copier`: the counted weights reveal of the validator whose commit was copied (else the first other one). */
export function revealToCopy(
  reveals: readonly WeightsRevealEntry[],
  commits: readonly CommitEntry[],
  me: string,
): WeightsRevealEntry | undefined {
  const target = commitToCopy(commits, me)
  const others = reveals.filter((r) => accountId(r.hotkey) !== accountId(me))
  return others.find((r) => target && accountId(r.hotkey) === accountId(target.hotkey)) ?? others[0]
}

/** `bad-reveal`: the reveal's salt replaced by a fresh one, so it cannot match the commit. */
export function badRevealSalt(salt: `0x${string}`): `0x${string}` {
  let other = randomHex32()
  while (other === salt) other = randomHex32()
  return other
}

/**
 * `wrong-settle`: the honest payouts plus an extra approval of the whole round's emission to the
 * faulty validator itself — a settlement that departs from the rules, which honest validators refuse.
 */
export function wrongSettlePayouts(
  payouts: readonly { address: string; amount: bigint }[],
  self: string,
  emission: bigint,
): { address: string; amount: bigint }[] {
  const out = payouts.map((p) => ({ ...p }))
  const mine = out.find((p) => accountId(p.address) === accountId(self))
  if (mine) mine.amount += emission
  else out.push({ address: self, amount: emission })
  return out
}

/**
 * A network fault no real part of the devnet can produce, as a mock: the deltas at `cids` cannot be
 * fetched (`NotFoundError`). With real parts, a delta that one validator could fetch reaches the
 * others too, since validators serve what they fetched (bitswap); the devnet's `reachable-by-one`
 * chaos uses this so that only one validator holds it (`validator run --unreachable-miner`).
 */
export function withUnreachable<S extends Pick<Storage, 'get'>>(storage: S, cids: ReadonlySet<string>): S {
  if (cids.size === 0) return storage
  return new Proxy(storage, {
    get(target, prop, receiver) {
      if (prop !== 'get') return Reflect.get(target, prop, receiver)
      return (cid: string, opts: Parameters<Storage['get']>[1]) => {
        if (cids.has(String(cid)))
          return Promise.reject(
            new NotFoundError(`Delta ${cid}`, 'Its miner is unreachable from this validator (a mocked network fault).'),
          )
        return target.get(cid, opts)
      }
    },
  })
}
