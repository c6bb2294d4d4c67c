import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { runCli } from './helpers/cli.ts'
import { testDir } from './helpers/testDir.ts'

describe('crowdtrain bench convergence', () => {
  test('default: data-parallel, one node and the network all learn; the JSON and the chart carry the comparison', () => {
    const chart = join(testDir('bench-convergence'), 'chart.html')
    const args = [
      'bench',
      'convergence',
      '--preset',
      'tiny',
      '--rounds',
      '2',
      '--miners',
      '2',
      '--json',
      '--out',
      chart,
    ]
    const r = runCli(args)
    expect(r.code, r.stderr.slice(-2000)).toBe(0)
    const out = r.lastJson() as Record<string, number> & { lossByRound: Record<string, number[]> }
    const keys = ['ddpLoss', 'singleNodeLoss', 'networkLoss', 'ratioDdp', 'compressionRatio', 'bytesPerToken']
    for (const key of [...keys, 'denseBytesPerToken', 'initialLoss']) expect(Number.isFinite(out[key]), key).toBe(true)
    // Pipelined rounds by default: the miners move onto the newer checkpoint at 40 % of their 8 steps.
    expect(out).toMatchObject({ preset: 'tiny', rounds: 2, miners: 2, staleness: 1, rebaseAt: 3 })
    for (const curve of ['ddp', 'singleNode', 'network']) expect(out.lossByRound[curve]).toHaveLength(2)
    expect(out.ddpLoss).toBeLessThan(out.initialLoss)
    expect(out.singleNodeLoss).toBeLessThan(out.initialLoss)
    expect(out.networkLoss).toBeLessThan(out.initialLoss)
    expect(out.ratioDdp).toBeCloseTo(out.networkLoss / out.ddpLoss, 3)
    expect(out.compressionRatio).toBeGreaterThan(10)
    expect(existsSync(chart)).toBe(true)
    expect(readFileSync(chart, 'utf8').match(/class="line"/g)).toHaveLength(3)
    // Compressed deltas, uploaded and downloaded by a following miner, move far fewer bytes than a dense all-reduce per step.
    expect(out.bytesPerToken).toBeGreaterThan(0)
    expect(out.bytesPerToken).toBeLessThan(out.denseBytesPerToken)
  })

  test('error: a bad --rounds is a usage error (exit 2)', () => {
    const r = runCli(['bench', 'convergence', '--rounds', '0', '--json'])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/--rounds must be an integer/)
    const late = runCli(['bench', 'convergence', '--preset', 'tiny', '--rebase-at', '9', '--json'])
    expect(late.code).toBe(2)
    expect(late.stderr).toMatch(/--rebase-at must be an integer from 0 to 8/)
  })

  test('error: an unknown preset is a usage error (exit 2) naming the known ones', () => {
    const r = runCli(['bench', 'convergence', '--preset', 'huge'])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/Unknown preset "huge".*laptop, tiny/)
  })
})
