import { join } from 'node:path'
import {
  type AdversaryBehaviour,
  type AdversaryKind,
  behavioursOf,
  expectedActions,
  isAdversaryKind,
  needsShareFile,
} from '../../miner/index.ts'
import { UsageError } from '../../shared/errors/index.ts'

/** One adversarial miner process of the devnet. */
export type AdversaryPlan = {
  /** `adv-noise-0`; a sybil pair is `adv-sybil-0` (the leader) and `adv-sybil-0-twin`. */
  name: string
  kind: AdversaryKind
  behaviour: AdversaryBehaviour
  /** Extra `miner run` arguments. */
  args: string[]
}

/** Checks `--adversary` values (usage error on an unknown kind). */
export function parseAdversaries(values: readonly string[]): AdversaryKind[] {
  return values.map((v) => {
    if (!isAdversaryKind(v)) throw new UsageError(`--adversary: unknown kind "${v}".`)
    return v
  })
}

/**
 * The miner processes the adversary kinds add, named by kind and index; a sybil kind adds its two
 * processes, sharing one delta file in the leader's folder as one operator would.
 */
export function planAdversaries(kinds: readonly AdversaryKind[], dir: string): AdversaryPlan[] {
  const seen = new Map<string, number>()
  return kinds.flatMap((kind) => {
    const i = seen.get(kind) ?? 0
    seen.set(kind, i + 1)
    const lead = `adv-${kind}-${i}`
    const share = join(dir, lead, 'operator-delta.safetensors')
    return behavioursOf(kind).map((behaviour, j) => ({
      name: j === 0 ? lead : `${lead}-twin`,
      kind,
      behaviour,
      args: ['--adversary', behaviour, ...(needsShareFile(behaviour) ? ['--adversary-share', share] : [])],
    }))
  })
}

/** What the devnet's clock waits for from an adversary in a round (`firstRound()` is the devnet's first counted round). */
export function adversaryExpects(
  plan: AdversaryPlan,
  firstRound: () => number,
  staleness = 0,
): (round: number) => 'commit' | 'reveal-only' | 'none' {
  return (round) => expectedActions(plan.behaviour, round, firstRound(), staleness)
}
