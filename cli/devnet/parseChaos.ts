import { InvalidChaosError } from './errors.ts'

/** A fault the devnet injects on purpose: SIGKILL a participant once its commit is on chain, then restart it. */
export type ChaosSpec = { role: 'miner' | 'validator'; index: number }

const PATTERN = /^kill-(miner|validator)-after-commit:(\d{1,3})$/

/** Parses `--chaos` values such as `kill-validator-after-commit:1`; indexes must exist. */
export function parseChaos(values: readonly string[], counts: { miners: number; validators: number }): ChaosSpec[] {
  return values.map((value) => {
    const m = PATTERN.exec(value)
    if (!m) throw new InvalidChaosError(value, 'unknown fault')
    const role = m[1] as ChaosSpec['role']
    const index = Number(m[2])
    const count = role === 'miner' ? counts.miners : counts.validators
    if (index >= count) throw new InvalidChaosError(value, `there are only ${count} ${role}s`)
    return { role, index }
  })
}
