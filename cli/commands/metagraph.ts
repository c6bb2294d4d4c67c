import type { Command } from 'commander'
import { connect, readMetagraph } from '../../chain/index.ts'
import { defaultConfig } from '../../shared/config/index.ts'
import { cliLogger, printJson, say, table } from '../output.ts'
import { intFlag } from './chain.ts'

const short = (a: string) => `${a.slice(0, 6)}…${a.slice(-4)}`
const opt = (v: bigint | number | undefined) => (v === undefined ? '-' : String(v))

/** `crowdtrain metagraph`: every uid of a subnet with its stake, last reveal and rewards. */
export function registerMetagraph(program: Command): void {
  program
    .command('metagraph')
    .description('Show the participants of a subnet: uid, hotkey, role, stake, last reveal, rewards.')
    .requiredOption('--chain <url>', 'ws URL of the chain', 'ws://127.0.0.1:9944')
    .requiredOption('--netuid <n>', 'subnet id')
    .option('--from-block <n>', 'first block to scan for registrations', '0')
    .option('--json', 'print one JSON object')
    .option('--log-level <level>', 'debug|info|warn|error|silent')
    .action(async (opts: { chain: string; netuid: string; fromBlock: string; json?: boolean; logLevel?: string }) => {
      const netuid = intFlag('netuid', opts.netuid, 0, 2 ** 32 - 1)
      const fromBlock = intFlag('from-block', opts.fromBlock, 0, 2 ** 32 - 1)
      const logger = cliLogger(opts)
      const client = await connect({ url: opts.chain, logger })
      try {
        const { subnet } = defaultConfig()
        const mg = await readMetagraph(client, {
          netuid,
          fromBlock,
          maxUids: subnet.maxUids,
          immunityBlocks: subnet.immunityBlocks,
        })
        if (opts.json) return printJson({ netuid, from: mg.from, to: mg.to, rows: mg.rows, ignored: mg.ignored })
        say(`subnet ${netuid}: ${mg.rows.length} uids (blocks ${mg.from}..${mg.to})`)
        const rows = mg.rows.map((r) => [
          r.uid,
          short(r.hotkey),
          r.role,
          String(r.stake),
          opt(r.lastRevealRound),
          opt(r.incentive),
          opt(r.dividends),
          String(r.approved),
          String(r.claimed),
        ])
        say(
          table(
            ['uid', 'hotkey', 'role', 'stake', 'last reveal', 'incentive', 'dividends', 'approved', 'claimed'],
            rows,
          ),
        )
        // Incentive and dividends live in the round ledger on IPFS, not in chain state.
        if (mg.rows.length > 0) say('incentive / dividends: see the round ledger (checkpoint list); "-" here')
      } finally {
        await client.disconnect()
      }
    })
}
