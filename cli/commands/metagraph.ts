import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Command } from 'commander'
import { type ChainClient, connect, readMetagraph, readSettledRounds } from '../../chain/index.ts'
import { MAX_LEDGER_BYTES, parseLedger } from '../../chain/ledger/index.ts'
import { defaultConfig } from '../../shared/config/index.ts'
import { describeError } from '../../shared/errors/index.ts'
import type { Logger } from '../../shared/logger/index.ts'
import { createHeliaStorage, createKuboStorage, type Storage } from '../../shared/storage/index.ts'
import { cliLogger, printJson, say, table } from '../output.ts'
import { intFlag } from './chain.ts'

const short = (a: string) => `${a.slice(0, 6)}…${a.slice(-4)}`
const opt = (v: bigint | number | undefined) => (v === undefined ? '-' : String(v))
/** Consensus values are u16 in the ledger; people read them as a fraction of 1. */
const fraction = (v: bigint | undefined) => (v === undefined ? undefined : Number(v) / 65535)
const fmt = (v: number | undefined) => (v === undefined ? '-' : v.toFixed(4))

type Consensus = Map<number, { incentive: bigint; dividends: bigint }>
type LedgerResult = { round: number; cid: string; consensus: Consensus } | { warning: string }

/**
 * Incentive and dividends per uid from the newest settled round's ledger on IPFS, within `timeoutMs`.
 * A uid counts only where the ledger's hotkey is the one holding it now (uids get reassigned).
 * Never throws: a ledger that cannot be had is a warning.
 */
async function readNewestConsensus(p: {
  client: ChainClient
  netuid: number
  hotkeys: ReadonlyMap<number, string>
  peers: string[]
  ipfsApi: string | undefined
  timeoutMs: number
  logger: Logger
}): Promise<LedgerResult> {
  let newest: { round: number; ledgerCid: string } | undefined
  try {
    newest = (await readSettledRounds(p.client, { netuid: p.netuid })).rounds.at(-1)
  } catch (err) {
    return { warning: `settled rounds unreadable: ${describeError(err)}` }
  }
  if (!newest) return { warning: 'no settled round yet, so no ledger' }
  const signal = AbortSignal.timeout(p.timeoutMs)
  let storage: Storage | undefined
  let dir: string | undefined
  try {
    if (p.ipfsApi) storage = createKuboStorage({ url: p.ipfsApi })
    else {
      dir = await mkdtemp(join(tmpdir(), 'crowdtrain-metagraph-'))
      const helia = await createHeliaStorage({
        dir,
        listen: ['/ip4/127.0.0.1/tcp/0'],
        logger: p.logger,
        ephemeral: true,
      })
      storage = helia
      // Dial every registered peer at once: one unreachable peer must not use up the time limit.
      await Promise.allSettled(p.peers.map((a) => helia.dial(a, { signal })))
    }
    const bytes = await storage.get(newest.ledgerCid, { maxBytes: MAX_LEDGER_BYTES, timeoutMs: p.timeoutMs, signal })
    const ledger = parseLedger(bytes)
    const holder = new Map(ledger.metagraph.map((m) => [m.uid, m.hotkey]))
    const dividends = new Map(ledger.consensus.dividends)
    const consensus: Consensus = new Map()
    for (const [uid, incentive] of ledger.consensus.incentive) {
      if (holder.get(uid) === p.hotkeys.get(uid))
        consensus.set(uid, { incentive: BigInt(incentive), dividends: BigInt(dividends.get(uid) ?? 0) })
    }
    for (const [uid, d] of dividends) {
      if (!consensus.has(uid) && holder.get(uid) === p.hotkeys.get(uid))
        consensus.set(uid, { incentive: 0n, dividends: BigInt(d) })
    }
    return { round: newest.round, cid: newest.ledgerCid, consensus }
  } catch (err) {
    const why = signal.aborted ? `not fetched within ${p.timeoutMs / 1000} s` : describeError(err)
    return { warning: `ledger of round ${newest.round} (${newest.ledgerCid}) unavailable: ${why}` }
  } finally {
    await storage?.stop().catch(() => undefined)
    if (dir) await rm(dir, { recursive: true, force: true }).catch(() => undefined)
  }
}

/** `crowdtrain metagraph`: every uid of a subnet with its stake, last reveal, consensus and rewards. */
export function registerMetagraph(program: Command): void {
  program
    .command('metagraph')
    .description('Show the participants of a subnet: uid, hotkey, role, stake, last reveal, consensus, rewards.')
    .requiredOption('--chain <url>', 'ws URL of the chain', 'ws://127.0.0.1:9944')
    .requiredOption('--netuid <n>', 'subnet id')
    .option('--from-block <n>', 'first block to scan for registrations', '0')
    .option('--ipfs-api <url>', 'Kubo RPC URL to read the round ledger (default: a temporary embedded node)')
    .option('--no-ledger', 'skip the round ledger: incentive and dividends show "-"')
    .option('--ledger-timeout <s>', 'seconds allowed for fetching the round ledger', '30')
    .option(
      '--peer <multiaddr>',
      "an IPFS peer that holds the ledger, e.g. a served devnet's owner node (repeatable; the registered peers are dialled too)",
      (v: string, prev: string[]) => [...prev, v],
      [] as string[],
    )
    .option('--json', 'print one JSON object')
    .option('--log-level <level>', 'debug|info|warn|error|silent')
    .action(
      async (opts: {
        chain: string
        netuid: string
        fromBlock: string
        ipfsApi?: string
        ledger: boolean
        ledgerTimeout: string
        peer: string[]
        json?: boolean
        logLevel?: string
      }) => {
        const netuid = intFlag('netuid', opts.netuid, 0, 2 ** 32 - 1)
        const fromBlock = intFlag('from-block', opts.fromBlock, 0, 2 ** 32 - 1)
        const timeoutMs = intFlag('ledger-timeout', opts.ledgerTimeout, 1, 3600) * 1000
        const logger = cliLogger(opts)
        const client = await connect({ url: opts.chain, logger })
        try {
          const { subnet } = defaultConfig()
          const params = { netuid, fromBlock, maxUids: subnet.maxUids, immunityBlocks: subnet.immunityBlocks }
          let mg = await readMetagraph(client, params)
          let ledger: LedgerResult | undefined
          if (opts.ledger && mg.rows.length > 0) {
            ledger = await readNewestConsensus({
              client,
              netuid,
              hotkeys: new Map(mg.rows.map((r) => [r.uid, r.hotkey])),
              peers: [...opts.peer, ...mg.rows.flatMap((r) => r.multiaddrs)],
              ipfsApi: opts.ipfsApi,
              timeoutMs,
              // The temporary node's start/stop lines are noise here; warnings still show.
              logger: cliLogger({ json: true, logLevel: opts.logLevel }),
            })
            if ('warning' in ledger)
              process.stderr.write(`warning: incentive / dividends shown as "-": ${ledger.warning}\n`)
            else
              mg = {
                ...mg,
                rows: mg.rows.map((r) => ({ ...r, ...consensusOf(ledger as { consensus: Consensus }, r.uid) })),
              }
          }
          const rows = mg.rows.map((r) => ({
            ...r,
            incentive: fraction(r.incentive),
            dividends: fraction(r.dividends),
          }))
          const source = ledger && !('warning' in ledger) ? { round: ledger.round, cid: ledger.cid } : undefined
          if (opts.json)
            return printJson({ netuid, from: mg.from, to: mg.to, ledger: source, rows, ignored: mg.ignored })
          say(`subnet ${netuid}: ${rows.length} uids (blocks ${mg.from}..${mg.to})`)
          if (source) say(`incentive / dividends from the ledger of round ${source.round} (${source.cid})`)
          say(
            table(
              ['uid', 'hotkey', 'role', 'stake', 'last reveal', 'incentive', 'dividends', 'approved', 'claimed'],
              rows.map((r) => [
                r.uid,
                short(r.hotkey),
                r.role,
                String(r.stake),
                opt(r.lastRevealRound),
                fmt(r.incentive),
                fmt(r.dividends),
                String(r.approved),
                String(r.claimed),
              ]),
            ),
          )
        } finally {
          await client.disconnect()
        }
      },
    )
}

/** A row's incentive / dividends from the ledger, or none when the ledger does not vouch for this holder. */
function consensusOf(ledger: { consensus: Consensus }, uid: number): { incentive?: bigint; dividends?: bigint } {
  const c = ledger.consensus.get(uid)
  return c ? { incentive: c.incentive, dividends: c.dividends } : {}
}
