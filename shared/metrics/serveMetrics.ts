import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Registry } from 'prom-client'
import { UsageError } from '../errors/index.ts'

/** `host:port` of `--metrics`, checked: a host name or IPv4 address and a port 0–65535 (0: any free one). */
export function parseMetricsListen(value: string): { host: string; port: number } {
  const m = /^([A-Za-z0-9.-]+):(\d{1,5})$/.exec(value)
  const port = m ? Number(m[2]) : Number.NaN
  if (!m || port > 65535) throw new UsageError(`--metrics must be host:port (e.g. 127.0.0.1:9464), got "${value}".`)
  return { host: m[1], port }
}

/** A running metrics endpoint. */
export type MetricsServer = { url: string; close(): Promise<void> }

/** Serves `registry` in the Prometheus text format at `GET /metrics`; any other path is 404. */
export async function serveMetrics(p: { listen: string; registry: Registry }): Promise<MetricsServer> {
  const { host, port } = parseMetricsListen(p.listen)
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') {
      res.writeHead(404).end('not found: the metrics are at /metrics\n')
      return
    }
    p.registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': p.registry.contentType }).end(text),
      (err: Error) => res.writeHead(500).end(`${err.message}\n`),
    )
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => resolve())
  })
  const addr = server.address() as AddressInfo
  return {
    url: `http://${host}:${addr.port}/metrics`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
