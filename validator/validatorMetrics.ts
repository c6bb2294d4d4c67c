import { Counter, Gauge, Histogram, Registry } from 'prom-client'
import type { ValidatorEvent } from './validatorEvents.ts'

const STEPS = ['seed', 'evaluate', 'commit', 'reveal', 'settle', 'done'] as const

/** The validator's Prometheus metrics, fed by its events (`--metrics`). */
export type ValidatorMetrics = { registry: Registry; onEvent(e: ValidatorEvent): void }

/**
 * Metrics of one validator process: chain head and round seen, the step it last took, deltas
 * fetched and failed with the fetch time, scores given (positive or zero), weights commits and
 * reveals sent, rounds settled, rewards claimed.
 */
export function createValidatorMetrics(): ValidatorMetrics {
  const registry = new Registry()
  const m = {
    head: new Gauge({
      name: 'crowdtrain_validator_head',
      help: 'Finalized block the validator acted on',
      registers: [registry],
    }),
    round: new Gauge({ name: 'crowdtrain_validator_round', help: 'Round of the next block', registers: [registry] }),
    step: new Gauge({
      name: 'crowdtrain_validator_step',
      help: 'The round step taken last (1 for it)',
      labelNames: ['step'],
      registers: [registry],
    }),
    fetched: new Counter({
      name: 'crowdtrain_validator_deltas_fetched_total',
      help: 'Revealed deltas fetched and decoded (ok) or not (failed)',
      labelNames: ['result'],
      registers: [registry],
    }),
    fetchSeconds: new Histogram({
      name: 'crowdtrain_validator_delta_fetch_seconds',
      help: 'Time to fetch and decode a revealed delta',
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers: [registry],
    }),
    scored: new Counter({
      name: 'crowdtrain_validator_scores_total',
      help: 'Scores given in score reports, positive or zero',
      labelNames: ['result'],
      registers: [registry],
    }),
    commits: new Counter({
      name: 'crowdtrain_validator_weights_commits_total',
      help: 'Weights commits sent',
      registers: [registry],
    }),
    reveals: new Counter({
      name: 'crowdtrain_validator_weights_reveals_total',
      help: 'Weights reveals sent',
      registers: [registry],
    }),
    settled: new Counter({
      name: 'crowdtrain_validator_rounds_settled_total',
      help: 'Rounds this validator saw settled',
      registers: [registry],
    }),
    claimed: new Counter({
      name: 'crowdtrain_validator_rewards_claimed_total',
      help: 'Subnet asset claimed, in its smallest unit',
      registers: [registry],
    }),
  }
  for (const step of STEPS) m.step.set({ step }, 0)
  for (const result of ['ok', 'failed']) m.fetched.inc({ result }, 0)
  for (const result of ['positive', 'zero']) m.scored.inc({ result }, 0)
  return {
    registry,
    onEvent(e) {
      if (e.kind === 'head') {
        m.head.set(e.head)
        if (e.round !== null) m.round.set(e.round)
      } else if (e.kind === 'step') for (const step of STEPS) m.step.set({ step }, step === e.step ? 1 : 0)
      else if (e.kind === 'fetch') {
        m.fetched.inc({ result: e.ok ? 'ok' : 'failed' })
        m.fetchSeconds.observe(e.seconds)
      } else if (e.kind === 'scored') for (const s of e.scores) m.scored.inc({ result: s > 0 ? 'positive' : 'zero' })
      else if (e.kind === 'weights-committed') m.commits.inc()
      else if (e.kind === 'weights-revealed') m.reveals.inc()
      else if (e.kind === 'settled') m.settled.inc()
      else if (e.kind === 'claimed') m.claimed.inc(Number(e.amount))
    },
  }
}
