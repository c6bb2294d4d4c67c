import { afterAll, describe, expect, it } from 'vitest'
import { simulateNetwork } from '../cli/bench/simulateNetwork.ts'
import { initBackend } from '../shared/backend/index.ts'
import { genesisCheckpoint } from '../shared/checkpoint/index.ts'
import { presetConfig } from '../shared/config/index.ts'
import { createLossPool, type LossEvaluator } from '../shared/eval/index.ts'
import { silentLogger } from '../shared/logger/index.ts'
import { loadTask } from '../shared/tasks/index.ts'

// Validators must agree bit for bit: the scores in their reports and the checkpoint they settle may
// not depend on how many threads each one scores with (README "Backends").
const pools: LossEvaluator[] = []
afterAll(async () => {
  for (const p of pools) await p.close()
})

describe('scoring workers', () => {
  it('default: 1 and 2 scoring workers give the same scores, the same losses and the same checkpoint CIDs', async () => {
    const config = presetConfig('tiny')
    const backend = await initBackend('wasm', silentLogger)
    const task = loadTask(config.task.name, config)
    const genesis = await genesisCheckpoint(config, task, { backend, netuid: 1 })
    const network = (workers: number) => {
      const pool = createLossPool({ task, config, backend, workers, logger: silentLogger })
      pools.push(pool)
      const losses: LossEvaluator = {
        ...pool,
        loss: (params, pages) => {
          calls[workers]++
          return pool.loss(params, pages)
        },
      }
      return simulateNetwork({
        config,
        task,
        backend,
        genesis,
        miners: 3,
        rounds: 2,
        seed: 3,
        logger: silentLogger,
        losses,
      })
    }
    const calls = [0, 0, 0]
    const one = await network(1)
    const two = await network(2)
    expect(pools[1].workers).toBe(2)
    expect(calls[2]).toBe(calls[1])
    expect(calls[2], JSON.stringify(one.rounds.map((r) => [r.accepted, r.zeros]))).toBeGreaterThan(3)
    expect(two.rounds.map((r) => r.checkpointCid)).toEqual(one.rounds.map((r) => r.checkpointCid))
    expect(two.rounds.map((r) => [r.lossAfter, r.accepted, r.zeros])).toEqual(
      one.rounds.map((r) => [r.lossAfter, r.accepted, r.zeros]),
    )
    // The network learned, so the scores compared were real ones.
    expect(one.rounds.at(-1)?.accepted.length).toBeGreaterThan(0)
    expect(one.rounds.at(-1)?.lossAfter).toBeLessThan(genesis.reportLoss)
  })
})
