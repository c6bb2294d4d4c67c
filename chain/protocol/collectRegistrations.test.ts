import { encodeAddress } from '@polkadot/util-crypto'
import { describe, expect, test } from 'vitest'
import { collectRegistrations } from './collectRegistrations.ts'
import type { RawRemark } from './collectRound.ts'
import { encodeRecord } from './encodeRecord.ts'

const key = (n: number) => encodeAddress(new Uint8Array(32).fill(n), 42)
const addr = '/ip4/127.0.0.1/tcp/4001'
let index = 0
function register(
  block: number,
  signer: string,
  role: 'miner' | 'validator',
  opts: { success?: boolean; netuid?: number; stakeAccount?: string; multiaddrs?: string[] } = {},
): RawRemark {
  index += 1
  const record = {
    v: 1 as const,
    t: 'register' as const,
    netuid: opts.netuid ?? 1,
    role,
    multiaddrs: opts.multiaddrs ?? [addr],
    ...(opts.stakeAccount ? { stakeAccount: opts.stakeAccount } : {}),
  }
  return { block, index, signer, success: opts.success ?? true, text: encodeRecord(record) }
}
const base = { netuid: 1, maxUids: 3, immunityBlocks: 10 }

describe('collectRegistrations', () => {
  test('default', () => {
    const out = collectRegistrations(
      [register(5, key(2), 'miner'), register(3, key(1), 'validator', { stakeAccount: key(7) })],
      base,
    )
    expect(out.members).toEqual([
      { uid: 0, hotkey: key(1), role: 'validator', multiaddrs: [addr], stakeAccount: key(7), registeredAt: 3 },
      { uid: 1, hotkey: key(2), role: 'miner', multiaddrs: [addr], registeredAt: 5 },
    ])
    expect(out.byHotkey.get(key(2))?.uid).toBe(1)
    expect(out.ignored).toEqual([])
  })

  test('behavior: a validator without a declared stake account stakes with its hotkey', () => {
    const out = collectRegistrations([register(1, key(1), 'validator')], base)
    expect(out.members[0].stakeAccount).toBe(key(1))
  })

  test('behavior: registering again updates the addresses and keeps the uid', () => {
    const out = collectRegistrations(
      [register(1, key(1), 'miner'), register(2, key(2), 'miner'), register(3, key(1), 'miner', { multiaddrs: [] })],
      base,
    )
    expect(out.members.map((m) => [m.uid, m.hotkey, m.multiaddrs, m.registeredAt])).toEqual([
      [0, key(1), [], 1],
      [1, key(2), [addr], 2],
    ])
  })

  test('behavior: the same key under another SS58 prefix is the same participant', () => {
    const other = encodeAddress(new Uint8Array(32).fill(1), 0)
    const out = collectRegistrations(
      [register(1, key(1), 'validator'), register(2, other, 'validator', { multiaddrs: [] })],
      { ...base, validatorSet: new Set([other]) },
    )
    expect(out.members.map((m) => [m.uid, m.hotkey, m.multiaddrs])).toEqual([[0, key(1), []]])
  })

  test('behavior: when full, the lowest-incentive miner past immunity is replaced', () => {
    const prior = collectRegistrations(
      [register(1, key(1), 'validator'), register(2, key(2), 'miner'), register(3, key(3), 'miner')],
      base,
    ).members
    const incentive = new Map<number, bigint>([
      [1, 500n],
      [2, 100n],
    ])
    // Block 12: uid 2 (registered at 3) is still immune, so uid 1 goes despite its higher incentive.
    const early = collectRegistrations([register(12, key(4), 'miner')], { ...base, prior, incentive })
    expect(early.replaced).toEqual([{ uid: 1, hotkey: key(2), by: key(4), block: 12 }])
    // Block 13: both are past immunity; uid 2 has the lowest incentive.
    const later = collectRegistrations([register(13, key(4), 'miner')], { ...base, prior, incentive })
    expect(later.replaced).toEqual([{ uid: 2, hotkey: key(3), by: key(4), block: 13 }])
    expect(later.byHotkey.has(key(3))).toBe(false)
    expect(later.byHotkey.get(key(4))).toMatchObject({ uid: 2, registeredAt: 13 })
  })

  test('error: full and nobody past immunity (validators are never replaced)', () => {
    const out = collectRegistrations(
      [
        register(1, key(1), 'validator'),
        register(2, key(2), 'validator', { stakeAccount: key(8) }),
        register(3, key(3), 'miner'),
        register(5, key(4), 'miner'),
      ],
      base,
    )
    expect(out.members.map((m) => m.hotkey)).toEqual([key(1), key(2), key(3)])
    expect(out.ignored.map((i) => i.code)).toEqual(['full'])
  })

  test('error: a failed batch, another netuid, a role change, a shared stake account, an outside validator', () => {
    const out = collectRegistrations(
      [
        register(1, key(1), 'miner', { success: false }),
        register(2, key(2), 'miner', { netuid: 2 }),
        register(3, key(3), 'miner'),
        register(4, key(3), 'validator'),
        register(5, key(4), 'validator', { stakeAccount: key(9) }),
        register(6, key(5), 'validator', { stakeAccount: key(9) }),
        register(7, key(6), 'validator'),
      ],
      { ...base, maxUids: 10, validatorSet: new Set([key(3), key(4), key(5)]) },
    )
    expect(out.members.map((m) => m.hotkey)).toEqual([key(3), key(4)])
    expect(out.ignored.map((i) => [i.block, i.code])).toEqual([
      [1, 'failed'],
      [4, 'role'],
      [6, 'stake-account'],
      [7, 'not-validator'],
    ])
  })
})
