import { describe, expect, test } from 'vitest'
import { UsageError } from '../shared/errors/index.ts'
import { parseMetricsListen, serveMetrics } from '../shared/metrics/index.ts'
import { createMinerMetrics } from './minerMetrics.ts'

describe('miner metrics (--metrics)', () => {
  test('default: a scrape of /metrics shows the round, phase, training speed, loss, delta bytes and transactions', async () => {
    let t = 0
    const metrics = createMinerMetrics({ now: () => t })
    metrics.onProgress({ round: 3, phase: 'train', step: 0, steps: 30, tokensPerStep: 1024 })
    t = 2000
    metrics.onProgress({ round: 3, phase: 'train', step: 10, steps: 30, loss: 2.5 })
    metrics.onProgress({ round: 3, phase: 'upload', bytes: 30_123, loss: 2.4 })
    metrics.onProgress({ round: 3, phase: 'commit' })
    metrics.onProgress({ round: 3, phase: 'reveal' })
    metrics.onProgress({ round: 3, phase: 'claim', amount: '1234' })
    const server = await serveMetrics({ listen: '127.0.0.1:0', registry: metrics.registry })
    try {
      const res = await fetch(server.url)
      expect(res.status).toBe(200)
      const text = await res.text()
      for (const line of [
        'crowdtrain_miner_round 3',
        'crowdtrain_miner_phase{phase="claim"} 1',
        'crowdtrain_miner_phase{phase="train"} 0',
        'crowdtrain_miner_training_steps_total 10',
        'crowdtrain_miner_training_steps_per_second 5',
        'crowdtrain_miner_training_tokens_per_second 5120',
        'crowdtrain_miner_loss 2.4',
        'crowdtrain_miner_delta_bytes 30123',
        'crowdtrain_miner_commits_total 1',
        'crowdtrain_miner_reveals_total 1',
        'crowdtrain_miner_rewards_claimed_total 1234',
      ])
        expect(text.split('\n')).toContain(line)
      expect((await fetch(server.url.replace('/metrics', '/other'))).status).toBe(404)
    } finally {
      await server.close()
    }
  })

  test('error: a --metrics that is not host:port is a usage error', () => {
    expect(() => parseMetricsListen('9464')).toThrow(UsageError)
    expect(() => parseMetricsListen('127.0.0.1:99999')).toThrow(/--metrics must be host:port/)
    expect(parseMetricsListen('localhost:9464')).toEqual({ host: 'localhost', port: 9464 })
  })
})
