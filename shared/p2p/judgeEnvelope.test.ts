import { describe, expect, test } from 'vitest'
import { z } from 'zod'
import { ENVELOPE_VERSION, type Envelope } from './envelope.ts'
import { createReplayGuard, type JudgeContext, judgeEnvelope } from './judgeEnvelope.ts'

const NOW = 1_800_000_000_000
const HOTKEY = '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY'
const envelope = (over: Partial<Envelope> = {}): Envelope => ({
  v: ENVELOPE_VERSION,
  type: 'delta-reveal',
  netuid: 3,
  round: 9,
  expiresAt: NOW + 60_000,
  hotkey: HOTKEY,
  body: { cid: 'bafk', shard: 2, extra: true },
  ...over,
})
const context = (over: Partial<JudgeContext> = {}): JudgeContext => ({
  netuid: 3,
  now: NOW,
  maxTtlMs: 15 * 60_000,
  replays: createReplayGuard(),
  ...over,
})

describe('judgeEnvelope', () => {
  test('default: a fresh message of this subnet is accepted', () => {
    expect(judgeEnvelope(envelope(), 'sig', context())).toEqual({ ok: true, envelope: envelope() })
  })

  test('error: another subnet or a lifetime past the limit is rejected', () => {
    expect(judgeEnvelope(envelope({ netuid: 4 }), 's1', context())).toMatchObject({ verdict: 'reject' })
    expect(judgeEnvelope(envelope({ expiresAt: NOW + 16 * 60_000 }), 's2', context())).toMatchObject({
      verdict: 'reject',
    })
  })

  test('behavior: expired, non-member and repeated messages are ignored', () => {
    const ctx = context({ isMember: (h) => h === HOTKEY })
    expect(judgeEnvelope(envelope({ expiresAt: NOW }), 's1', ctx)).toMatchObject({
      verdict: 'ignore',
      reason: 'expired',
    })
    expect(judgeEnvelope(envelope({ hotkey: `${HOTKEY.slice(0, -1)}Z` }), 's2', ctx)).toMatchObject({
      verdict: 'ignore',
      reason: expect.stringContaining('not a member'),
    })
    expect(judgeEnvelope(envelope(), 's3', ctx).ok).toBe(true)
    expect(judgeEnvelope(envelope(), 's3', ctx)).toMatchObject({ verdict: 'ignore', reason: 'already seen' })
  })

  test('behavior: with body schemas, the body comes out parsed, unknown types are ignored, bad bodies rejected', () => {
    const bodies = { 'delta-reveal': z.object({ cid: z.string(), shard: z.number().int() }) }
    const ok = judgeEnvelope(envelope(), 's1', context({ bodies }))
    expect(ok).toEqual({ ok: true, envelope: envelope({ body: { cid: 'bafk', shard: 2 } }) })
    expect(judgeEnvelope(envelope({ type: 'other' }), 's2', context({ bodies }))).toMatchObject({ verdict: 'ignore' })
    expect(judgeEnvelope(envelope({ body: { cid: 1 } }), 's3', context({ bodies }))).toMatchObject({
      verdict: 'reject',
    })
  })
})

describe('createReplayGuard', () => {
  test('behavior: a signature is new again once its message expired, and capacity bounds memory', () => {
    const guard = createReplayGuard(2)
    expect(guard.firstTime('a', NOW + 10, NOW)).toBe(true)
    expect(guard.firstTime('a', NOW + 10, NOW + 5)).toBe(false)
    expect(guard.firstTime('a', NOW + 2000, NOW + 1010)).toBe(true)
    expect(guard.firstTime('b', NOW + 5000, NOW + 1010)).toBe(true)
    expect(guard.firstTime('c', NOW + 5000, NOW + 1010)).toBe(true)
    // 'a' was the oldest and was forgotten to make room.
    expect(guard.firstTime('a', NOW + 5000, NOW + 1010)).toBe(true)
  })
})
