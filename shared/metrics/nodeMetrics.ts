import { Gauge, type Registry } from 'prom-client'

/** What the node metrics read: a chain client, and the storage (Helia's libp2p for the peers; Kubo has none). */
export type NodeMetricsSource = {
  client: {
    api: { rpc: { chain: { getHeader(): Promise<{ number: { toNumber(): number } }> } } }
    finalizedHead(): Promise<{ number: number }>
  }
  storage: object
}

/**
 * Chain head, finality lag and IPFS peers of a miner or validator, read when Prometheus scrapes:
 * `crowdtrain_<role>_chain_best_head`, `…_chain_finalized_head`, `…_chain_finality_lag_blocks`
 * (best − finalized: a growing lag means the chain does not finalize), `…_ipfs_peers` (open
 * libp2p connections of the embedded node). A read that fails leaves the gauges as they were.
 */
export function registerNodeMetrics(registry: Registry, role: 'miner' | 'validator', src: NodeMetricsSource): void {
  let best = 0
  let finalized = 0
  const read = async () => {
    try {
      const [header, head] = await Promise.all([src.client.api.rpc.chain.getHeader(), src.client.finalizedHead()])
      best = header.number.toNumber()
      finalized = head.number
    } catch {
      // The chain is unreachable for now: the gauges keep their last values, the head stops moving.
    }
  }
  // One read per scrape, shared by the gauges (prom-client collects them concurrently).
  let pending: Promise<void> | undefined
  const fresh = () => {
    pending ??= read().finally(() => {
      pending = undefined
    })
    return pending
  }
  const chainGauges: [name: string, help: string, value: () => number][] = [
    ['chain_best_head', 'Best block the chain client sees', () => best],
    ['chain_finalized_head', 'Finalized block (reads follow it)', () => finalized],
    ['chain_finality_lag_blocks', 'Best minus finalized block', () => Math.max(0, best - finalized)],
  ]
  for (const [name, help, value] of chainGauges)
    new Gauge({
      name: `crowdtrain_${role}_${name}`,
      help,
      registers: [registry],
      async collect() {
        await fresh()
        this.set(value())
      },
    })
  const libp2p = (src.storage as { libp2p?: { getConnections(): unknown[] } }).libp2p
  if (libp2p)
    new Gauge({
      name: `crowdtrain_${role}_ipfs_peers`,
      help: 'Open libp2p connections of the embedded IPFS node',
      registers: [registry],
      collect() {
        this.set(libp2p.getConnections().length)
      },
    })
}
