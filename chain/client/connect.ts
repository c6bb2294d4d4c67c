import './wsGlobal.ts'
import { ApiPromise, WsProvider } from '@polkadot/api'
import type { KeyringPair } from '@polkadot/keyring/types'
import type { Logger } from '../../shared/logger/index.ts'
import { ChainUnreachableError } from '../errors.ts'
import { createNonceTracker, type NonceTracker } from './nonceTracker.ts'
import { quietPolkadot } from './quietPolkadot.ts'
import { type SubmitOptions, type SubmitResult, submit, type Tx } from './submit.ts'

/** The inputs of `connect`. */
export type ConnectParameters = {
  /** `ws://host:port` of any chain with the pallets of design §5. */
  url: string
  logger: Logger
  signal?: AbortSignal
  /** Give up on the first connection after this long (default 20 s); later drops reconnect. */
  timeoutMs?: number
}

/** A connected chain client: the API, nonce tracking and `submit`. Actions take it. */
export type ChainClient = {
  api: ApiPromise
  url: string
  logger: Logger
  nonces: NonceTracker
  /** Signs, sends and waits for inclusion; see `submit`. */
  submit(tx: Tx, signer: KeyringPair, opts?: SubmitOptions): Promise<SubmitResult>
  /** The finalized head (reads follow it: design §2). */
  finalizedHead(): Promise<{ number: number; hash: string }>
  /** Closes the connection; safe to call twice. */
  disconnect(): Promise<void>
}

/** Connects over ws (auto-reconnecting) and waits for the metadata. */
export async function connect(params: ConnectParameters): Promise<ChainClient> {
  const logger = params.logger.forComponent('chain:client')
  quietPolkadot(logger.forComponent('chain:polkadot-js'))
  const provider = new WsProvider(params.url, 1000, {}, params.timeoutMs ?? 20_000)
  // polkadot-js caches at-block calls by their promise, rejected ones too, and every hit renews the
  // entry: a call that failed while the connection was down failed forever after it came back (seen
  // when the dev chain restarted). Calls are therefore sent uncached.
  const send = provider.send.bind(provider)
  provider.send = ((method, callParams, _isCacheable, subscription) =>
    send(method, callParams, false, subscription)) as typeof provider.send
  let api: ApiPromise
  try {
    api = await withDeadline(
      ApiPromise.create({ provider, noInitWarn: true, throwOnConnect: false }),
      params.timeoutMs ?? 20_000,
      params.signal,
    )
  } catch (err) {
    await provider.disconnect().catch(() => undefined)
    throw new ChainUnreachableError(params.url, err)
  }
  let closed = false
  provider.on('disconnected', () => {
    if (!closed) logger.warn('chain connection lost; reconnecting', { url: params.url })
  })
  provider.on('connected', () => {
    if (!closed) logger.info('chain connection (re)established', { url: params.url })
  })
  const nonces = createNonceTracker(api)
  return {
    api,
    url: params.url,
    logger,
    nonces,
    submit: (tx, signer, opts) => submit({ api, nonces, logger }, tx, signer, opts),
    async finalizedHead() {
      const hash = await api.rpc.chain.getFinalizedHead()
      const header = await api.rpc.chain.getHeader(hash)
      return { number: header.number.toNumber(), hash: hash.toHex() }
    },
    async disconnect() {
      if (closed) return
      closed = true
      await api.disconnect().catch(() => undefined)
    },
  }
}

function withDeadline<T>(p: Promise<T>, ms: number, signal?: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)
    const onAbort = () => reject(signal?.reason)
    signal?.addEventListener('abort', onAbort, { once: true })
    p.then(resolve, reject).finally(() => {
      clearTimeout(timer)
      signal?.removeEventListener('abort', onAbort)
    })
  })
}
