import { describe, expect, test } from 'vitest'
import type { IgnoredRemark, Member, RawRemark } from '../chain/protocol/index.ts'
import { uncountedReveals } from './uncountedReveals.ts'

const A = '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY'
const B = '5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty'
const V = '5FLSigC9HGRKVhB9FiEo4Y3koPsNmBmLJbpXg2mp1hXcS59Y'
const CID = 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy'

const member = (uid: number, hotkey: string, role: Member['role'] = 'miner') =>
  ({ uid, hotkey, role, multiaddrs: [], registeredAt: 1 }) as unknown as Member
const reveal = (block: number, signer: string, netuid = 1): RawRemark => ({
  block,
  index: 1,
  signer,
  success: true,
  text: `ct1:${JSON.stringify({ v: 1, t: 'delta-reveal', netuid, round: 0, shard: 1, cid: CID })}`,
})
const ignored = (r: RawRemark, reason: string): IgnoredRemark => ({
  block: r.block,
  index: r.index,
  signer: r.signer,
  code: 'no-commit',
  reason,
})

describe('uncountedReveals', () => {
  test('default: a reveal without a commit gets a zero row naming why', () => {
    const r = reveal(13, B)
    const rows = uncountedReveals({
      round: 0,
      netuid: 1,
      ignored: [ignored(r, 'delta reveal without a counted commit this round')],
      remarks: [r],
      miners: [member(0, A), member(1, B)],
      counted: [],
    })
    expect(rows).toEqual([
      {
        uid: 1,
        hotkey: B,
        cid: CID,
        shard: 1,
        fetched: false,
        valid: false,
        reason: 'no-counted-reveal: delta reveal without a counted commit this round',
      },
    ])
  })

  test('behavior: miners whose reveal counted, validators and other records get no row', () => {
    const mine = reveal(13, A)
    const byValidator = reveal(13, V)
    const rows = uncountedReveals({
      round: 0,
      netuid: 1,
      ignored: [ignored(mine, 'duplicate'), ignored(byValidator, 'role')],
      remarks: [mine, byValidator],
      miners: [member(0, A), member(2, V, 'validator')],
      counted: [{ uid: 0, hotkey: A, shard: 1, cid: CID, block: 12, index: 0 }],
    })
    expect(rows).toEqual([])
  })
})
