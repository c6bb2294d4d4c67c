import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ADVERSARY_KINDS, type AdversaryKind } from '../../miner/index.ts'
import { UsageError } from '../../shared/errors/index.ts'
import type { Logger } from '../../shared/logger/index.ts'
import { type DevnetResult, parseAdversaries, runDevnet } from '../devnet/index.ts'
import { say } from '../output.ts'
import { finalLoss, judgeCases, type RobustnessCase } from './robustnessCases.ts'

/** The inputs of the robustness benchmark (flags of `crowdtrain bench robustness`). */
export type RobustnessOptions = {
  json: boolean
  logger: Logger
  preset?: string
  rounds?: string
  miners?: string
  validators?: string
  /** Adversary kinds (default: every kind). */
  adversary?: string[]
  /** Validator faults (`--faulty-validator`), passed to the adversarial devnet as they are. */
  faultyValidator?: string[]
  windowTimeout?: string
}

/**
 * `crowdtrain bench robustness`: one devnet with the adversarial miners (and validator faults, when
 * asked) and one honest-only devnet of the same size and config, then per case whether it was
 * handled, what the bad actor earned, the validators' reasons, and the effect on the final
 * report-split loss (with adversaries vs without).
 */
export async function run(opts: RobustnessOptions): Promise<Record<string, unknown>> {
  const preset = opts.preset ?? 'laptop'
  const kinds: AdversaryKind[] = opts.adversary?.length ? parseAdversaries(opts.adversary) : [...ADVERSARY_KINDS]
  const base = {
    miners: int(opts.miners, 3),
    validators: int(opts.validators, 3),
    rounds: int(opts.rounds, 3),
    preset,
    sets: [],
    fresh: false,
    windowTimeoutMs: int(opts.windowTimeout, 180) * 1000,
    chaos: [],
    logger: opts.logger,
  }
  const dir = mkdtempSync(join(tmpdir(), 'bench-robustness-'))
  opts.logger.info('adversarial devnet', { kinds, faultyValidators: opts.faultyValidator ?? [], dir })
  const adversarial: DevnetResult = await runDevnet({
    ...base,
    dir: join(dir, 'adversarial'),
    adversaries: kinds,
    faultyValidators: opts.faultyValidator ?? [],
  })
  opts.logger.info('honest-only devnet', { dir })
  const honest = await runDevnet({ ...base, dir: join(dir, 'honest') })
  const cases = judgeCases(adversarial)
  const honestLoss = finalLoss(honest)
  const adversarialLoss = finalLoss(adversarial)
  const lossChange =
    honestLoss !== null && adversarialLoss !== null ? round4((adversarialLoss - honestLoss) / honestLoss) : null
  if (!opts.json) say(table(cases, honestLoss, adversarialLoss, lossChange))
  return {
    cases,
    honestLoss,
    adversarialLoss,
    lossChange,
    preset,
    miners: base.miners,
    validators: base.validators,
    rounds: base.rounds,
    faultyValidators: opts.faultyValidator ?? [],
    honestPaid: honest.rounds.every((r) => r.miners.some((m) => BigInt(m.reward) > 0n)),
    dirs: { adversarial: adversarial.dir, honest: honest.dir },
  }
}

function table(cases: RobustnessCase[], honest: number | null, adversarial: number | null, change: number | null) {
  const lines = ['case           handled  reward        effect on the checkpoint         reason']
  for (const c of cases)
    lines.push(
      `${c.case.padEnd(14)} ${(c.handled ? 'yes' : 'NO').padEnd(8)} ${c.reward.padEnd(13)} ${c.effect.padEnd(32)} ${c.reason}`,
    )
  const pct = change === null ? 'n/a' : `${(change * 100).toFixed(2)}%`
  lines.push(
    `final report-split loss: honest-only ${honest ?? 'n/a'}, with adversaries ${adversarial ?? 'n/a'} (${pct})`,
  )
  return lines.join('\n')
}

function int(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback
  const n = Number(value)
  if (!Number.isSafeInteger(n) || n < 1) throw new UsageError(`expected an integer ≥ 1, got "${value}".`)
  return n
}

const round4 = (x: number) => Math.round(x * 1e4) / 1e4
