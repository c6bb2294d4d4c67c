import { InvalidChaosError } from './errors.ts'

/**
 * A fault the devnet injects on purpose. `round` counts from the devnet's first counted round (0).
 * - `kill-after-commit`: SIGKILL a participant once its commit is on chain, then restart it;
 * - `kill-miner-after-reveal`: SIGKILL a miner while its delta reveal waits in the pool (before any
 *   validator could fetch the delta from its node); it is not restarted;
 * - `slow-miner`: freeze a miner (SIGSTOP) when the round opens and let it go on (SIGCONT) once the
 *   commit window has closed: it trains too late to commit;
 * - `reachable-by-one`: a miner whose node accepts connections only from one validator (and the
 *   owner's node), for the whole run;
 * - `restart-chain`: stop the embedded chain in the round's evaluate window and start it again on
 *   the same port and db;
 * - `void-round`: kill enough validators once the round's weights are revealed that fewer than the
 *   threshold are left, and start them again after the round's void deadline: the round goes void.
 */
export type ChaosSpec =
  | { kind: 'kill-after-commit'; role: 'miner' | 'validator'; index: number; round: number }
  | { kind: 'kill-miner-after-reveal' | 'slow-miner'; role: 'miner'; index: number; round: number }
  | { kind: 'reachable-by-one'; role: 'miner'; index: number; validator: number }
  | { kind: 'restart-chain' | 'void-round'; round: number }

const KILL_AFTER_COMMIT = /^kill-(miner|validator)-after-commit:(\d{1,3})$/
const MINER_IN_ROUND = /^(kill-miner-after-reveal|slow-miner):(\d{1,3})(?:@(\d{1,3}))?$/
const REACHABLE_BY_ONE = /^reachable-by-one:(\d{1,3}):(\d{1,3})$/
const CHAIN_OR_VOID = /^(restart-chain|void-round):(\d{1,3})$/

/** Parses `--chaos` values such as `kill-validator-after-commit:1` or `slow-miner:0@1`; indexes must exist. */
export function parseChaos(values: readonly string[], counts: { miners: number; validators: number }): ChaosSpec[] {
  return values.map((value) => {
    const need = (role: 'miner' | 'validator', index: number) => {
      const count = role === 'miner' ? counts.miners : counts.validators
      if (index >= count) throw new InvalidChaosError(value, `there are only ${count} ${role}s`)
      return index
    }
    let m = KILL_AFTER_COMMIT.exec(value)
    if (m) {
      const role = m[1] as 'miner' | 'validator'
      return { kind: 'kill-after-commit', role, index: need(role, Number(m[2])), round: 0 }
    }
    m = MINER_IN_ROUND.exec(value)
    if (m) {
      const kind = m[1] as 'kill-miner-after-reveal' | 'slow-miner'
      return { kind, role: 'miner', index: need('miner', Number(m[2])), round: Number(m[3] ?? 0) }
    }
    m = REACHABLE_BY_ONE.exec(value)
    if (m) {
      if (counts.validators < 3)
        throw new InvalidChaosError(
          value,
          'one validator holds less than κ of the stake only with 3 or more validators',
        )
      return {
        kind: 'reachable-by-one',
        role: 'miner',
        index: need('miner', Number(m[1])),
        validator: need('validator', Number(m[2])),
      }
    }
    m = CHAIN_OR_VOID.exec(value)
    if (m) return { kind: m[1] as 'restart-chain' | 'void-round', round: Number(m[2]) }
    throw new InvalidChaosError(value, 'unknown fault')
  })
}

/** Rounds (offsets from the first counted round) that the faults make void on purpose. */
export function expectedVoidRounds(chaos: readonly ChaosSpec[]): Set<number> {
  return new Set(chaos.flatMap((c) => (c.kind === 'void-round' ? [c.round] : [])))
}
