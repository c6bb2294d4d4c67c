export { type NodeMetricsSource, registerNodeMetrics } from './nodeMetrics.ts'
export { type MetricsServer, parseMetricsListen, serveMetrics } from './serveMetrics.ts'
