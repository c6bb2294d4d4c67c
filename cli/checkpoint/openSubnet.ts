import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type ChainClient, connect, readMetagraph, readSettledRounds, readSubnet } from '../../chain/index.ts'
import { MAX_LEDGER_BYTES, parseLedger, type RoundLedger } from '../../chain/ledger/index.ts'
import { loadSubnetView, type SubnetView } from '../../chain/subnet/index.ts'
import { defaultConfig } from '../../shared/config/index.ts'
import { describeError } from '../../shared/errors/index.ts'
import type { Logger } from '../../shared/logger/index.ts'
import { createHeliaStorage, createKuboStorage, type HeliaStorage, type Storage } from '../../shared/storage/index.ts'
import {
  ContentUnavailableError,
  LedgerMismatchError,
  NoReachablePeerError,
  NoSettledRoundError,
  RoundNotSettledError,
} from './errors.ts'

/** How a researcher reaches a subnet: its chain, and IPFS through peers or a Kubo daemon. */
export type OpenSubnetParameters = {
  chain: string
  netuid: number
  /** Kubo RPC URL; otherwise a temporary embedded Helia node is started. */
  ipfsApi?: string
  /** Multiaddrs (with /p2p/<id>) to dial; when given, registrations are not scanned for more. */
  peers?: readonly string[]
  /** Time allowed for each fetch. */
  timeoutMs: number
  logger: Logger
  /** Logger of the temporary IPFS node (its start/stop lines are noise for most commands); default `logger`. */
  storageLogger?: Logger
}

/** A settled round: item r of the subnet's uniques class and the ledger CID in its metadata. */
export type SettledRound = { round: number; ledgerCid: string }

/** An open connection to a subnet: chain client, storage, and readers of settled rounds. */
export type OpenSubnet = {
  netuid: number
  client: ChainClient
  storage: Storage
  timeoutMs: number
  logger: Logger
  /** Settled rounds, ascending, from chain state alone (no block scan). */
  settled(): Promise<SettledRound[]>
  /** The settled round `round` (default: the newest); `RoundNotSettledError` / `NoSettledRoundError` otherwise. */
  settledRound(round?: number): Promise<SettledRound>
  /** The round's ledger fetched, parsed strictly and checked against the chain item (round, netuid). */
  ledger(r: SettledRound): Promise<RoundLedger>
  /** The subnet document (config, owner, genesis checkpoint), loaded once. */
  view(): Promise<SubnetView>
  close(): Promise<void>
}

/**
 * Connects to the chain, and to IPFS on first use (so a wrong round fails without starting a node): a
 * Kubo daemon (`ipfsApi`) or a temporary Helia node that dials the given peers, or else every multiaddr
 * registered on the subnet (as `crowdtrain metagraph` does).
 */
export async function openSubnet(p: OpenSubnetParameters): Promise<OpenSubnet> {
  const client = await connect({ url: p.chain, logger: p.logger })
  let started: Promise<StartedStorage> | undefined
  const start = () => {
    started ??= startStorage(p, client)
    return started
  }
  // Every fetch goes through here: no reachable peer fails at once rather than after each timeout.
  const reachable = async () => {
    const s = await start()
    if (s.unreachable) throw s.unreachable
    return s.storage
  }
  const store = lazyStorage(reachable)
  let view: Promise<SubnetView> | undefined
  // A subnet that does not exist is an error (SubnetNotFoundError), not an empty list of rounds.
  const settled = async () => {
    const { rounds } = await readSettledRounds(client, { netuid: p.netuid })
    if (rounds.length === 0) await readSubnet(client, { netuid: p.netuid })
    return rounds
  }
  return {
    netuid: p.netuid,
    client,
    storage: store,
    timeoutMs: p.timeoutMs,
    logger: p.logger,
    settled,
    async settledRound(round) {
      const all = await settled()
      if (round === undefined) {
        const newest = all.at(-1)
        if (!newest) throw new NoSettledRoundError(p.netuid)
        return newest
      }
      const found = all.find((r) => r.round === round)
      if (!found)
        throw new RoundNotSettledError(
          p.netuid,
          round,
          all.map((r) => r.round),
        )
      return found
    },
    async ledger(r) {
      const bytes = await fetchOrExplain(`round ledger of round ${r.round}`, r.ledgerCid, () =>
        store.get(r.ledgerCid, { maxBytes: MAX_LEDGER_BYTES, timeoutMs: p.timeoutMs }),
      )
      const ledger = parseLedger(bytes)
      if (ledger.round !== r.round)
        throw new LedgerMismatchError(r.ledgerCid, `it is for round ${ledger.round}, not ${r.round}`)
      if (ledger.netuid !== p.netuid)
        throw new LedgerMismatchError(r.ledgerCid, `it is for subnet ${ledger.netuid}, not ${p.netuid}`)
      return ledger
    },
    view() {
      view ??= loadSubnetView(client, store, { netuid: p.netuid, timeoutMs: p.timeoutMs })
      return view
    },
    async close() {
      const s = await started?.catch(() => undefined)
      await s?.storage.stop().catch(() => undefined)
      if (s?.dir) await rm(s.dir, { recursive: true, force: true }).catch(() => undefined)
      await client.disconnect().catch(() => undefined)
    },
  }
}

type StartedStorage = { storage: Storage; dir?: string; unreachable?: NoReachablePeerError }

// Kubo, or a temporary Helia node connected to the peers (all dialled at once: one dead peer must not use up the time).
async function startStorage(p: OpenSubnetParameters, client: ChainClient): Promise<StartedStorage> {
  if (p.ipfsApi) return { storage: createKuboStorage({ url: p.ipfsApi }) }
  const dir = await mkdtemp(join(tmpdir(), 'crowdtrain-checkpoint-'))
  let helia: HeliaStorage | undefined
  try {
    helia = await createHeliaStorage({
      dir,
      listen: ['/ip4/127.0.0.1/tcp/0'],
      logger: p.storageLogger ?? p.logger,
      ephemeral: true,
    })
    const node = helia
    const peers = p.peers?.length ? [...p.peers] : await registeredPeers(client, p.netuid, p.logger)
    const signal = AbortSignal.timeout(p.timeoutMs)
    const dials = await Promise.allSettled(peers.map((a) => node.dial(a, { signal })))
    const ok = dials.filter((d) => d.status === 'fulfilled').length
    p.logger.debug('peers dialled', { peers: peers.length, connected: ok })
    return { storage: helia, dir, ...(ok === 0 ? { unreachable: new NoReachablePeerError(peers.length) } : {}) }
  } catch (err) {
    await helia?.stop().catch(() => undefined)
    await rm(dir, { recursive: true, force: true }).catch(() => undefined)
    throw err
  }
}

// A Storage whose backend is started by the first call.
function lazyStorage(get: () => Promise<Storage>): Storage {
  return {
    kind: 'ipfs',
    add: async (input, opts) => (await get()).add(input, opts),
    get: async (cid, opts) => (await get()).get(cid, opts),
    getFile: async (cid, path, opts) => (await get()).getFile(cid, path, opts),
    ls: async (cid, opts) => (await get()).ls(cid, opts),
    has: async (cid, opts) => (await get()).has(cid, opts),
    pin: async (cid, opts) => (await get()).pin(cid, opts),
    unpin: async (cid, opts) => (await get()).unpin(cid, opts),
    isPinned: async (cid, opts) => (await get()).isPinned(cid, opts),
    start: async () => (await get()).start(),
    // Stopping is the owner's job (`close`), which knows whether anything was started.
    stop: async () => undefined,
  }
}

/** Runs a fetch, turning a storage failure into `ContentUnavailableError` naming what was wanted. */
export async function fetchOrExplain<T>(what: string, cid: string, fetch: () => Promise<T>): Promise<T> {
  try {
    return await fetch()
  } catch (err) {
    if (err instanceof NoReachablePeerError) throw err
    throw new ContentUnavailableError(what, cid, describeError(err), err)
  }
}

// Every multiaddr registered on the subnet (a scan of the registration records, as `crowdtrain metagraph`).
async function registeredPeers(client: ChainClient, netuid: number, logger: Logger): Promise<string[]> {
  const { subnet } = defaultConfig()
  try {
    const mg = await readMetagraph(client, { netuid, maxUids: subnet.maxUids, immunityBlocks: subnet.immunityBlocks })
    return mg.rows.flatMap((r) => r.multiaddrs)
  } catch (err) {
    logger.warn('registered peers unreadable; give --peer', { reason: describeError(err) })
    return []
  }
}
