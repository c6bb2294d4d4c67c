import { Gauge, type Registry } from 'prom-client'

/** What the node metrics read: the chain client's API and, for the embedded IPFS node, its libp2p. */
export type NodeMetricsSource = {
  api: { rpc: { chain: { getHeader(): Promise<{ number: { toNumber(): number } }> } } }
  finalizedHead(): Promise<{ number: number }>
  /** libp2p of the embedded Helia node; absent with Kubo. */
  libp2p?: { getConnections(): unknown[] }
}

/**
 * Chain head, finality lag and IPFS peers of a miner or validator, read when Prometheus scrapes:
 * `crowdtrain_<role>_chain_best_head`, `…_chain_finalized_head`, `…_chain_finality_lag_blocks`
 * (best − finalized: a growing lag means the chain does not finalize), `…_ipfs_peers` (open
 * libp2p connections). A read that fails leaves the gauge as it was.
 */
export function registerNodeMetrics(registry: Registry, role: 'miner' | 'validator', src: NodeMetricsSource): void {
  let best = 0
  let finalized = 0
  // One read per scrape, shared by the gauges (prom-client collects them concurrently).
  let pending: Promise<void> | undefined
  const fresh = () => {
    pending ??= read().finally(() => {
      pending = undefined
    })
    return pending
  }
  const read = async () => {
    try {
      const [header, head] = await Promise.all([src.api.rpc.chain.getHeader(), src.finalizedHead()])
      best = header.number.toNumber()
      finalized = head.number
    } catch {
      // The chain is unreachable for now: the gauges keep their last values, the head stops moving.
    }
  }
  new Gauge({
    name: `crowdtrain_${role}_chain_best_head`,
    help: 'Best block the chain client sees',
    registers: [registry],
    async collect() {
      await fresh()
      this.set(best)
    },
  })
  new Gauge({
    name: `crowdtrain_${role}_chain_finalized_head`,
    help: 'Finalized block (reads follow it)',
    registers: [registry],
    async collect() {
      await fresh()
      this.set(finalized)
    },
  })
  new Gauge({
    name: `crowdtrain_${role}_chain_finality_lag_blocks`,
    help: 'Best minus finalized block',
    registers: [registry],
    async collect() {
      await fresh()
      this.set(Math.max(0, best - finalized))
    },
  })
  if (src.libp2p) {
    const libp2p = src.libp2p
    new Gauge({
      name: `crowdtrain_${role}_ipfs_peers`,
      help: 'Open libp2p connections of the embedded IPFS node',
      registers: [registry],
      collect() {
        this.set(libp2p.getConnections().length)
      },
    })
  }
}
