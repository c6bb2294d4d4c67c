export { type MetricsServer, parseMetricsListen, serveMetrics } from './serveMetrics.ts'
