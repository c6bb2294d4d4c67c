import type { Command } from 'commander'
import { connect } from '../../chain/index.ts'
import { defaultConfig } from '../../shared/config/index.ts'
import { UsageError } from '../../shared/errors/index.ts'
import { serveWeb, validatorWsPeers } from '../../web/index.ts'
import { cliLogger, printJson, say } from '../output.ts'
import { intFlag } from './chain.ts'

const collect = (value: string, previous: string[] = []) => [...previous, value]

/** `crowdtrain web`: serves the web miner page for a subnet (README "Mine from a browser"). */
export function registerWeb(program: Command): void {
  program
    .command('web')
    .description('Serve the web miner page: anyone who opens it mines on the subnet from a browser tab.')
    .requiredOption('--chain <url>', 'ws:// or wss:// URL of the chain (the page connects to it too)')
    .requiredOption('--netuid <n>', 'the subnet')
    .option('--listen <host:port>', 'where the page is served', '127.0.0.1:8080')
    .option('--peer <multiaddr>', 'a WebSocket multiaddr the page dials besides the validators (repeatable)', collect)
    .option('--backend <name>', 'what pages train on: webgpu (wasm where the browser has none) or wasm', 'webgpu')
    .option('--json', 'print one JSON object when the page is served')
    .option('--log-level <level>', 'debug|info|warn|error|silent')
    .action(async (opts) => {
      if (!/^wss?:\/\//.test(opts.chain))
        throw new UsageError(`--chain must be a ws:// or wss:// URL, got "${opts.chain}".`)
      if (opts.backend !== 'webgpu' && opts.backend !== 'wasm')
        throw new UsageError(`--backend must be webgpu or wasm, got "${opts.backend}".`)
      if (!/^([0-9.]+|localhost):\d{1,5}$/.test(opts.listen))
        throw new UsageError(`--listen must be host:port, e.g. 127.0.0.1:8080, got "${opts.listen}".`)
      const netuid = intFlag('netuid', opts.netuid, 0, 65535)
      const logger = cliLogger(opts)
      const client = await connect({ url: opts.chain, logger })
      const subnet = defaultConfig().subnet
      const web = await serveWeb({
        ...{ chainUrl: opts.chain, netuid, listen: opts.listen, logger, prefer: opts.backend },
        peers: () => validatorWsPeers(client, netuid, subnet, opts.peer ?? []),
      })
      if (opts.json) printJson({ url: web.url, netuid, chain: opts.chain })
      else say(`web miner page: ${web.url} (subnet ${netuid} on ${opts.chain}); Ctrl-C stops it`)
      await new Promise<void>((resolve) => {
        process.once('SIGINT', () => resolve())
        process.once('SIGTERM', () => resolve())
      })
      await web.close()
      await client.disconnect()
    })
}
