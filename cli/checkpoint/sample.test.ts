import { describe, expect, test } from 'vitest'
import { defaultConfig } from '../../shared/config/index.ts'
import { silentLogger } from '../../shared/logger/index.ts'
import type { Task } from '../../shared/tasks/index.ts'
import { NotATextTaskError } from './errors.ts'
import { sampleText } from './sample.ts'

describe('sampleText', () => {
  test('error: a checkpoint of a task that is not text cannot generate text', async () => {
    const task = { kind: 'classify', name: 'mnist-mlp' } as Task
    const source = { task, config: defaultConfig(), params: [], round: 0 }
    const run = sampleText(source, { prompt: 'x', tokens: 1, temperature: 0, seed: 0, logger: silentLogger })
    await expect(run).rejects.toThrow(NotATextTaskError)
    await expect(run).rejects.toThrow(/mnist-mlp is not a text task/)
  })
})
