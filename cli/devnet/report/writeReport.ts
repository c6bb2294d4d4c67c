import { rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describeError } from '../../../shared/errors/index.ts'
import type { Logger } from '../../../shared/logger/index.ts'
import { ReportWriteError } from './errors.ts'
import { renderHtml } from './renderHtml.ts'
import { type ReportInput, reportData } from './reportData.ts'

/** The files `writeReport` wrote. */
export type WriteReportReturnType = { json: string; html: string }

/**
 * Writes report.json (the report's data) and report.html (charts and tables, opens with no network)
 * into `dir` (default: the run's folder). Each file is written whole or not at all (temp file, rename).
 */
export async function writeReport(input: ReportInput, dir: string = input.dir): Promise<WriteReportReturnType> {
  const json = join(dir, 'report.json')
  const html = join(dir, 'report.html')
  try {
    const data = reportData(input)
    await writeAtomic(json, `${JSON.stringify(data, null, 2)}\n`)
    await writeAtomic(html, renderHtml(data))
  } catch (err) {
    throw new ReportWriteError(dir, err)
  }
  return { json, html }
}

/** `writeReport` for the devnet's last step: a failure is logged as a warning, never thrown. Returns the html path. */
export async function tryWriteReport(input: ReportInput, log: Logger): Promise<string | undefined> {
  try {
    return (await writeReport(input)).html
  } catch (err) {
    log.warn('devnet report not written', { reason: describeError(err) })
    return undefined
  }
}

async function writeAtomic(path: string, text: string): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`
  await writeFile(tmp, text)
  await rename(tmp, path)
}
