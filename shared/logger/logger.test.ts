import { expect, test } from 'vitest'
import { memoryLogger } from './logger.ts'

test('default: records carry the component and level threshold applies', () => {
  const log = memoryLogger('info')
  log.forComponent('miner:train').info('step', { loss: 1.5 })
  log.debug('hidden')
  expect(log.records).toHaveLength(1)
  expect(log.records[0]).toMatchObject({ component: 'miner:train', level: 'info', msg: 'step', loss: 1.5 })
})

test('behavior: secret-looking fields never leave the process', () => {
  const log = memoryLogger()
  log.info('unlock', { password: 'hunter2', mnemonic: 'a b c', address: '5F...' })
  expect(JSON.stringify(log.records)).not.toContain('hunter2')
  expect(log.records[0]).toMatchObject({ password: '[redacted]', address: '5F...' })
})
