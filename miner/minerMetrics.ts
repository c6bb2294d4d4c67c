import { Counter, Gauge, Registry } from 'prom-client'
import type { MinerProgress } from './minerContext.ts'

const PHASES: readonly MinerProgress['phase'][] = [
  'register',
  'wait',
  'train',
  'upload',
  'commit',
  'reveal',
  'settled',
  'claim',
  'give-up',
]

/** The miner's Prometheus metrics, fed by its progress events (`--metrics`). */
export type MinerMetrics = { registry: Registry; onProgress(p: MinerProgress): void }

/**
 * Metrics of one miner process: round and phase, training steps, steps/s and tokens/s of the
 * current round, loss, delta bytes, commits and reveals sent, rounds given up, rewards claimed.
 * Tokens per step come with the round's first training event.
 */
export function createMinerMetrics(p: { now?: () => number } = {}): MinerMetrics {
  const now = p.now ?? (() => performance.now())
  const registry = new Registry()
  const m = {
    round: new Gauge({ name: 'crowdtrain_miner_round', help: 'Round the miner works on', registers: [registry] }),
    phase: new Gauge({
      name: 'crowdtrain_miner_phase',
      help: 'Current phase (1 for the current one)',
      labelNames: ['phase'],
      registers: [registry],
    }),
    steps: new Counter({
      name: 'crowdtrain_miner_training_steps_total',
      help: 'Inner training steps done',
      registers: [registry],
    }),
    stepsPerSecond: new Gauge({
      name: 'crowdtrain_miner_training_steps_per_second',
      help: 'Inner steps per second in the current or last round',
      registers: [registry],
    }),
    tokensPerSecond: new Gauge({
      name: 'crowdtrain_miner_training_tokens_per_second',
      help: 'Training tokens per second in the current or last round',
      registers: [registry],
    }),
    loss: new Gauge({ name: 'crowdtrain_miner_loss', help: 'Training loss of the last step', registers: [registry] }),
    deltaBytes: new Gauge({
      name: 'crowdtrain_miner_delta_bytes',
      help: 'Size of the last delta file uploaded',
      registers: [registry],
    }),
    commits: new Counter({ name: 'crowdtrain_miner_commits_total', help: 'Delta commits sent', registers: [registry] }),
    reveals: new Counter({ name: 'crowdtrain_miner_reveals_total', help: 'Delta reveals sent', registers: [registry] }),
    gaveUp: new Counter({
      name: 'crowdtrain_miner_rounds_given_up_total',
      help: 'Rounds given up (missed window, no delta)',
      registers: [registry],
    }),
    claimed: new Counter({
      name: 'crowdtrain_miner_rewards_claimed_total',
      help: 'Subnet asset claimed, in its smallest unit',
      registers: [registry],
    }),
  }
  for (const phase of PHASES) m.phase.set({ phase }, 0)
  let started: { round: number | null; at: number } | undefined
  let lastStep = 0
  let tokensPerStep = 0
  return {
    registry,
    onProgress(e) {
      if (e.round !== null) m.round.set(e.round)
      for (const phase of PHASES) m.phase.set({ phase }, phase === e.phase ? 1 : 0)
      if (e.phase === 'train' && e.step !== undefined) {
        if (e.step === 0 || started?.round !== e.round) {
          started = { round: e.round, at: now() }
          lastStep = 0
          if (e.tokensPerStep !== undefined) tokensPerStep = e.tokensPerStep
        } else {
          m.steps.inc(Math.max(0, e.step - lastStep))
          lastStep = e.step
          const seconds = (now() - started.at) / 1000
          if (seconds > 0) {
            m.stepsPerSecond.set(e.step / seconds)
            m.tokensPerSecond.set((e.step * tokensPerStep) / seconds)
          }
        }
      }
      if (e.loss !== undefined && Number.isFinite(e.loss)) m.loss.set(e.loss)
      if (e.phase === 'upload' && e.bytes !== undefined) m.deltaBytes.set(e.bytes)
      if (e.phase === 'commit') m.commits.inc()
      if (e.phase === 'reveal') m.reveals.inc()
      if (e.phase === 'give-up') m.gaveUp.inc()
      if (e.phase === 'claim' && e.amount !== undefined) m.claimed.inc(Number(e.amount))
    },
  }
}
