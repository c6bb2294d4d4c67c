import { existsSync } from 'node:fs'
import http from 'node:http'
import type { Socket } from 'node:net'
import type { Blockchain } from '@acala-network/chopsticks-core'
import type { Logger } from '../../shared/logger/index.ts'
import { DevchainStartError } from '../errors.ts'
import { type BlockClock, type ClockMode, createBlockClock } from './blockClock.ts'
import { DEV_FUNDS, devAddresses, fundAccounts } from './devAccounts.ts'

/** The inputs of `startDevchain`. */
export type StartDevchainParameters = {
  /** TCP port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number
  /** sqlite file: blocks and state persist there, and a restart resumes from it. */
  db?: string
  /** Extra addresses to fund (Alice..Ferdie always are) on a fresh chain. */
  fund?: readonly string[]
  /** Native balance per funded account (planck); default 10¹⁸. */
  funds?: bigint
  /** Block clock; default instant (a block per transaction). */
  clock?: ClockMode
  logger: Logger
}

/** A running embedded dev chain. */
export type Devchain = {
  /** `ws://127.0.0.1:PORT`. */
  url: string
  port: number
  /** True when the state came from an existing db (no accounts were funded). */
  resumed: boolean
  clock: BlockClock
  /** Builds `n` blocks now (default 1); resolves with the new head number. */
  newBlock(n?: number): Promise<number>
  /** The head block number. */
  head(): number
  /** Sets the native balance of addresses (dev only) and builds a block. */
  fund(addresses: readonly string[], amount?: bigint): Promise<void>
  /** The Chopsticks chain itself, for what the API above does not cover. */
  chain: Blockchain
  /** Stops the server and the chain; safe to call twice. */
  stop(): Promise<void>
}

let running = 0

/**
 * Waits (up to 5 s) until the head block is in the db: Chopsticks saves a block after announcing
 * it, and closing the db before that loses the block on restart.
 */
async function flushed(chain: Blockchain): Promise<void> {
  if (!chain.db) return
  for (let i = 0; i < 50; i++) {
    if (chain.head.number === 0 || (await chain.db.queryBlock(chain.head.hash))) return
    await new Promise((r) => setTimeout(r, 100))
  }
}

/**
 * Starts Chopsticks in this process on the Rococo Asset Hub genesis shipped in
 * `@substrate/connect-known-chains` (a real Substrate runtime with the pallets of design §5),
 * serving JSON-RPC over ws on 127.0.0.1. Offline: no endpoint is contacted.
 */
export async function startDevchain(params: StartDevchainParameters): Promise<Devchain> {
  const log = params.logger.forComponent('chain:devchain')
  // Chopsticks logs through pino at LOG_LEVEL, read when it is first imported.
  process.env.LOG_LEVEL ??= 'error'
  const started = performance.now()
  const resume = params.db !== undefined && existsSync(params.db)
  let ctx: Awaited<ReturnType<typeof import('@acala-network/chopsticks').setupWithServer>>
  // Chopsticks' close() stops listening but leaves open websockets (an upgraded socket is no longer
  // the http server's): clients would go on talking to the stopped chain, and a restart on the same
  // port would not reach them. The sockets are recorded here and destroyed on stop, so clients reconnect.
  const sockets = new Set<Socket>()
  const createServer = http.createServer
  http.createServer = ((...args: Parameters<typeof createServer>) => {
    const server = createServer(...args)
    server.on('connection', (socket: Socket) => {
      sockets.add(socket)
      socket.once('close', () => sockets.delete(socket))
    })
    return server
  }) as typeof createServer
  try {
    const { setupWithServer, BuildBlockMode } = await import('@acala-network/chopsticks')
    const { rococo_v2_2_asset_hub } = await import('@substrate/connect-known-chains')
    ctx = await setupWithServer({
      genesis: JSON.parse(rococo_v2_2_asset_hub),
      host: '127.0.0.1',
      port: params.port ?? 0,
      'build-block-mode': BuildBlockMode.Instant,
      // The CLI's --resume flag is broken in 1.5.1; the config option works (design §6).
      ...(params.db ? { db: params.db, resume: resume ? true : undefined } : {}),
      // With a genesis, Chopsticks builds a fresh block 1 before resuming, and saving it would
      // replace the stored block 1 and cut the resumed head off its ancestry: save after resume.
      ...(resume ? { 'save-blocks': false } : {}),
    } as Parameters<typeof setupWithServer>[0])
    if (resume) (ctx.chain as unknown as { saveBlocks: boolean }).saveBlocks = true
  } catch (err) {
    throw new DevchainStartError(err instanceof Error ? err.message : String(err), err)
  } finally {
    http.createServer = createServer
  }
  running++
  const chain = ctx.chain
  if (!resume) await fundAccounts(chain, [...(await devAddresses()), ...(params.fund ?? [])], params.funds ?? DEV_FUNDS)
  else if (params.fund?.length) log.info('resumed from db: extra accounts were not funded again')
  const clock = createBlockClock(chain, params.clock ?? { mode: 'instant' }, log)
  const port = Number(ctx.addr.split(':').pop())
  const url = `ws://127.0.0.1:${port}`
  log.info('dev chain ready', {
    url,
    ms: Math.round(performance.now() - started),
    head: chain.head.number,
    resumed: resume,
  })

  let stopping: Promise<void> | undefined
  const stop = () => {
    stopping ??= (async () => {
      clock.stop()
      await flushed(chain)
      await ctx.close()
      for (const socket of sockets) socket.destroy()
      running--
      // The runtime executor is a worker thread shared by every chain of the process; it keeps the
      // process alive, so it goes when the last chain does.
      if (running === 0) await (await import('@acala-network/chopsticks-core')).destroyWorker()
      log.info('dev chain stopped')
    })()
    return stopping
  }
  return {
    url,
    port,
    resumed: resume,
    clock,
    chain,
    newBlock: (n = 1) => clock.advance(n),
    head: () => chain.head.number,
    fund: (addresses, amount) => fundAccounts(chain, addresses, amount ?? DEV_FUNDS, () => clock.advance(1)),
    stop,
  }
}
