import type { Logger } from '../../shared/logger/index.ts'

const POLKADOT_ORIGIN = /^\s*(API|RPC|RPC-CORE|API\/[A-Z-]+)[A-Z/-]*:$/
let sink: Logger | undefined
let installed = false

/**
 * polkadot-js writes its own notices straight to the console (`API/INIT: MetadataApi not
 * available…`, `RPC-CORE: … 1010` for every refused transaction, which we already turn into typed
 * errors). They would break the CLI's clean output, so they go to our logger at debug level.
 * Only calls shaped like polkadot-js's logger (date, `ORIGIN:`, ...) are diverted.
 */
export function quietPolkadot(logger: Logger): void {
  sink = logger
  if (installed) return
  installed = true
  for (const method of ['log', 'warn', 'error'] as const) {
    const original = console[method].bind(console)
    console[method] = (...args: unknown[]) => {
      if (sink && typeof args[1] === 'string' && POLKADOT_ORIGIN.test(args[1])) {
        sink.debug('polkadot-js', {
          origin: args[1].trim().replace(/:$/, ''),
          message: args.slice(2).map(String).join(' '),
        })
        return
      }
      original(...args)
    }
  }
}
