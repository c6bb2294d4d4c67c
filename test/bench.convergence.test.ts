import { describe, expect, test } from 'vitest'
import { runCli } from './helpers/cli.ts'

describe('crowdtrain bench convergence', () => {
  test('default: the network and the single node both learn, and the JSON carries the comparison', () => {
    const r = runCli(['bench', 'convergence', '--preset', 'tiny', '--rounds', '1', '--miners', '2', '--json'])
    expect(r.code, r.stderr.slice(-2000)).toBe(0)
    const out = r.lastJson() as Record<string, number>
    for (const key of ['singleNodeLoss', 'networkLoss', 'ratio', 'bytesPerToken', 'denseBytesPerToken', 'initialLoss'])
      expect(Number.isFinite(out[key]), key).toBe(true)
    expect(out).toMatchObject({ preset: 'tiny', rounds: 1, miners: 2 })
    expect(out.singleNodeLoss).toBeLessThan(out.initialLoss)
    expect(out.networkLoss).toBeLessThan(out.initialLoss)
    expect(out.ratio).toBeCloseTo(out.networkLoss / out.singleNodeLoss, 3)
    // Compressed deltas and a checkpoint per round move far fewer bytes than a dense all-reduce per step.
    expect(out.bytesPerToken).toBeGreaterThan(0)
    expect(out.bytesPerToken).toBeLessThan(out.denseBytesPerToken)
  })

  test('error: a bad --rounds is a usage error (exit 2)', () => {
    const r = runCli(['bench', 'convergence', '--rounds', '0', '--json'])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/--rounds must be an integer/)
  })

  test('error: an unknown preset is a usage error (exit 2) naming the known ones', () => {
    const r = runCli(['bench', 'convergence', '--preset', 'huge'])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/Unknown preset "huge".*laptop, tiny/)
  })
})
