import { createServer } from 'node:net'
import { describe, expect, it } from 'vitest'
import { silentLogger } from '../../shared/logger/index.ts'
import { ChainUnreachableError } from '../errors.ts'
import { connect } from './connect.ts'

/** A port nobody listens on: bound, then closed. */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as { port: number }).port
  await new Promise((resolve) => server.close(resolve))
  return port
}

describe('connect', () => {
  it('error: an address where no chain answers gives ChainUnreachableError within the timeout', async () => {
    const url = `ws://127.0.0.1:${await closedPort()}`
    const err = await connect({ url, logger: silentLogger, timeoutMs: 1500 }).catch((e) => e)
    expect(err).toBeInstanceOf(ChainUnreachableError)
    expect((err as ChainUnreachableError).shortMessage).toContain(url)
  })
})
