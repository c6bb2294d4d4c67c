export { ReportWriteError } from './errors.ts'
export { escapeHtml } from './escapeHtml.ts'
export { renderHtml } from './renderHtml.ts'
export {
  REPORT_VERSION,
  type ReportData,
  type ReportInput,
  type ReportMiner,
  type ReportRound,
  type ReportValidator,
  reportData,
  toTokens,
} from './reportData.ts'
export {
  type BarGroup,
  barChart,
  type ChartOptions,
  formatNumber,
  LINE_COLOR,
  type LinePoint,
  type LineSeries,
  lineChart,
  multiLineChart,
  niceTicks,
  PALETTE,
} from './svgCharts.ts'
export { tryWriteReport, type WriteReportReturnType, writeReport } from './writeReport.ts'
