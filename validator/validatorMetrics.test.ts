import { Registry } from 'prom-client'
import { describe, expect, it } from 'vitest'
import { registerNodeMetrics } from '../shared/metrics/index.ts'
import { createValidatorMetrics } from './validatorMetrics.ts'

const value = (text: string, name: string) =>
  Number(
    text
      .split('\n')
      .find((l) => l.startsWith(`${name} `))
      ?.split(' ')[1],
  )

describe('createValidatorMetrics', () => {
  it('default: counts fetches, scores, commits, reveals, settlements and claims from the events', async () => {
    const m = createValidatorMetrics()
    m.onEvent({ kind: 'head', head: 40, round: 2 })
    m.onEvent({ kind: 'step', round: 2, step: 'evaluate' })
    m.onEvent({ kind: 'fetch', ok: true, seconds: 0.3 })
    m.onEvent({ kind: 'fetch', ok: false, seconds: 10 })
    m.onEvent({ kind: 'scored', round: 2, scores: [0.01, 0, 0.02] })
    m.onEvent({ kind: 'weights-committed', round: 2 })
    m.onEvent({ kind: 'weights-revealed', round: 2 })
    m.onEvent({ kind: 'settled', round: 2 })
    m.onEvent({ kind: 'claimed', round: 2, amount: 1234n })
    const text = await m.registry.metrics()
    expect(value(text, 'crowdtrain_validator_head')).toBe(40)
    expect(value(text, 'crowdtrain_validator_round')).toBe(2)
    expect(value(text, 'crowdtrain_validator_step{step="evaluate"}')).toBe(1)
    expect(value(text, 'crowdtrain_validator_step{step="commit"}')).toBe(0)
    expect(value(text, 'crowdtrain_validator_deltas_fetched_total{result="ok"}')).toBe(1)
    expect(value(text, 'crowdtrain_validator_deltas_fetched_total{result="failed"}')).toBe(1)
    expect(value(text, 'crowdtrain_validator_delta_fetch_seconds_count')).toBe(2)
    expect(value(text, 'crowdtrain_validator_scores_total{result="positive"}')).toBe(2)
    expect(value(text, 'crowdtrain_validator_scores_total{result="zero"}')).toBe(1)
    expect(value(text, 'crowdtrain_validator_weights_commits_total')).toBe(1)
    expect(value(text, 'crowdtrain_validator_weights_reveals_total')).toBe(1)
    expect(value(text, 'crowdtrain_validator_rounds_settled_total')).toBe(1)
    expect(value(text, 'crowdtrain_validator_rewards_claimed_total')).toBe(1234)
  })
})

describe('registerNodeMetrics', () => {
  it('default: chain heads, finality lag and IPFS peers are read at each scrape; a failed read keeps the last values', async () => {
    let best = 12
    let fail = false
    const registry = new Registry()
    registerNodeMetrics(registry, 'validator', {
      client: {
        api: {
          rpc: {
            chain: {
              getHeader: async () => {
                if (fail) throw new Error('disconnected')
                return { number: { toNumber: () => best } }
              },
            },
          },
        },
        finalizedHead: async () => ({ number: 10 }),
      },
      storage: { libp2p: { getConnections: () => [1, 2, 3] } },
    })
    let text = await registry.metrics()
    expect(value(text, 'crowdtrain_validator_chain_best_head')).toBe(12)
    expect(value(text, 'crowdtrain_validator_chain_finalized_head')).toBe(10)
    expect(value(text, 'crowdtrain_validator_chain_finality_lag_blocks')).toBe(2)
    expect(value(text, 'crowdtrain_validator_ipfs_peers')).toBe(3)
    best = 20
    fail = true
    text = await registry.metrics()
    expect(value(text, 'crowdtrain_validator_chain_best_head')).toBe(12)
  })
})
