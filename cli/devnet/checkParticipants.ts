import { type AdversaryKind, behavioursOf } from '../../miner/index.ts'
import { UsageError } from '../../shared/errors/index.ts'

/**
 * Every participant needs a uid: more processes than `subnet.maxUids` could never all register, and
 * the devnet would spend minutes creating their wallets first.
 */
export function checkParticipants(
  p: { miners: number; validators: number; adversaries?: readonly AdversaryKind[] },
  maxUids: number,
): void {
  const adversaries = (p.adversaries ?? []).reduce((n, kind) => n + behavioursOf(kind).length, 0)
  const total = p.miners + p.validators + adversaries
  if (total > maxUids)
    throw new UsageError(
      `${p.miners} miners, ${p.validators} validators and ${adversaries} adversarial miners are ${total} participants; the subnet has ${maxUids} uids (subnet.maxUids).`,
      'Run fewer, or raise the cap with --set subnet.maxUids=N (at most 4096).',
    )
}
