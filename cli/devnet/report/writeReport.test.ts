import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { memoryLogger } from '../../../shared/logger/index.ts'
import { devnetSummary } from '../../../test/helpers/devnetSummary.ts'
import { testDir } from '../../../test/helpers/testDir.ts'
import { ReportWriteError } from './errors.ts'
import { tryWriteReport, writeReport } from './writeReport.ts'

describe('writeReport', () => {
  test('default: report.json and report.html in the run folder', async () => {
    const dir = testDir('ct-report-')
    const out = await writeReport({ ...devnetSummary(3), dir })
    expect(out).toEqual({ json: join(dir, 'report.json'), html: join(dir, 'report.html') })
    const data = JSON.parse(readFileSync(out.json, 'utf8'))
    expect(data.rounds).toHaveLength(3)
    expect(readFileSync(out.html, 'utf8')).toContain('crowdtrain devnet report')
  })

  test('error: a folder that cannot be written is a ReportWriteError with the reason', async () => {
    const file = join(testDir('ct-report-'), 'not-a-dir')
    writeFileSync(file, 'x')
    const err = await writeReport({ ...devnetSummary(1), dir: file }).catch((e) => e)
    expect(err).toBeInstanceOf(ReportWriteError)
    expect(err.details).toMatch(/ENOTDIR/)
  })

  test('behavior: tryWriteReport warns instead of failing the devnet', async () => {
    const file = join(testDir('ct-report-'), 'not-a-dir')
    writeFileSync(file, 'x')
    const logger = memoryLogger('warn')
    expect(await tryWriteReport({ ...devnetSummary(1), dir: file }, logger)).toBeUndefined()
    expect(logger.records).toMatchObject([{ level: 'warn', msg: 'devnet report not written' }])
    expect(String(logger.records[0].reason)).toMatch(/could not be written/)
  })
})
