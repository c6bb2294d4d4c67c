import type { Member } from '../../chain/protocol/index.ts'
import type { MinerContext } from '../minerContext.ts'
import { copyLateRound, recycleDelta, replayDelta, twinDelta } from './copied.ts'
import { craftedDelta } from './crafted.ts'
import type { AdversaryBehaviour } from './kinds.ts'
import { needsShareFile } from './kinds.ts'
import { trainedDelta } from './trained.ts'
import type { Adversary } from './types.ts'

export {
  ADVERSARY_BEHAVIOURS,
  ADVERSARY_KINDS,
  type AdversaryBehaviour,
  type AdversaryKind,
  behavioursOf,
  expectedActions,
  isAdversaryBehaviour,
  isAdversaryKind,
  needsShareFile,
} from './kinds.ts'
export type { Adversary, HonestOverrides, RoundDelta, RoundInput } from './types.ts'

/** The inputs of `createAdversary`. */
export type CreateAdversaryParameters = {
  behaviour: AdversaryBehaviour
  /** The sybil operator's shared delta file (sybil behaviours only). */
  shareFile?: string
}

/**
 * An adversarial miner behaviour for robustness tests and `crowdtrain bench robustness`: it hooks
 * into the miner's round work (the delta it stores, or the whole round) and uses the same chain
 * actions as an honest miner, so validators see exactly what a real attacker could send.
 */
export function createAdversary(p: CreateAdversaryParameters): Adversary {
  const kind = p.behaviour
  if (needsShareFile(kind) && !p.shareFile) throw new TypeError(`adversary ${kind} needs a share file`)
  const never = async () => ({ skip: `adversary ${kind}: sends no delta` })
  switch (kind) {
    case 'silent':
      return { kind, delta: never, workRound: async () => true }
    case 'copy-late':
      return {
        kind,
        delta: never,
        workRound: (ctx: MinerContext, round: number, me: Member) => copyLateRound(ctx, round, me),
      }
    case 'replay':
      return { kind, delta: replayDelta }
    case 'recycle':
      return { kind, delta: recycleDelta }
    case 'sybil-twin':
    case 'sybil-noisy-twin':
      return { kind, delta: (ctx, input) => twinDelta(ctx, input, p.shareFile as string, kind === 'sybil-noisy-twin') }
    case 'poison':
    case 'inflate':
    case 'poison-carried':
    case 'lazy-scaled':
    case 'wrong-data':
    case 'first-batch-only':
    case 'stale':
    case 'sybil-lead':
      return { kind, delta: (ctx, input) => trainedDelta(ctx, kind, input, p.shareFile) }
    default:
      return { kind, delta: (ctx, input) => craftedDelta(ctx, kind, input) }
  }
}
