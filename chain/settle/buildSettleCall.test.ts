import { blake2AsU8a, encodeAddress } from '@polkadot/util-crypto'
import { describe, expect, it } from 'vitest'
import { InvalidSettleCallError } from '../errors.ts'
import { buildSettleCall, MAX_APPROVALS_PER_SETTLE, mergePayouts } from './buildSettleCall.ts'
import { accountHex, multisigAddress, otherSignatories } from './multisigAddress.ts'

const ALICE = '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY'
const BOB = '5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty'
const CHARLIE = '5FLSigC9HGRKVhB9FiEo4Y3koPsNmBmLJbpXg2mp1hXcS59Y'
// Alice's key under the Kusama prefix (2): the same account, another spelling.
const ALICE_KSM = 'HNZata7iMYWmk5RvZRTiAsSDhV8366zq2YGb3tLH5Upf74F'

describe('mergePayouts', () => {
  it('default: orders by public key whatever the input order', () => {
    const a = mergePayouts([
      { address: ALICE, amount: 1n },
      { address: BOB, amount: 2n },
      { address: CHARLIE, amount: 3n },
    ])
    const b = mergePayouts([
      { address: CHARLIE, amount: 3n },
      { address: ALICE, amount: 1n },
      { address: BOB, amount: 2n },
    ])
    expect(a).toEqual(b)
    expect(a.map((p) => accountHex(p.address))).toEqual([...a.map((p) => accountHex(p.address))].sort())
  })

  it('behavior: sums one account spelled twice and drops zero amounts', () => {
    const merged = mergePayouts([
      { address: ALICE, amount: 5n },
      { address: ALICE_KSM, amount: 7n },
      { address: BOB, amount: 0n },
    ])
    expect(merged).toEqual([{ address: ALICE, amount: 12n }])
  })

  it('error: a negative amount is refused', () => {
    expect(() => mergePayouts([{ address: ALICE, amount: -1n }])).toThrow(InvalidSettleCallError)
  })
})

describe('multisigAddress', () => {
  it('default: does not depend on the signatory order, and differs by threshold', () => {
    expect(multisigAddress([ALICE, BOB, CHARLIE], 2)).toBe(multisigAddress([CHARLIE, ALICE, BOB], 2))
    expect(multisigAddress([ALICE, BOB, CHARLIE], 2)).not.toBe(multisigAddress([ALICE, BOB, CHARLIE], 3))
  })

  it('behavior: otherSignatories leaves out the sender', () => {
    expect(otherSignatories([ALICE, BOB, CHARLIE], BOB).sort()).toEqual([ALICE, CHARLIE].sort())
  })
})

describe('buildSettleCall', () => {
  it('error: more approvals than one settle can carry are refused before building anything', () => {
    const payouts = Array.from({ length: MAX_APPROVALS_PER_SETTLE + 1 }, (_, i) => ({
      address: encodeAddress(blake2AsU8a(`b${i}`), 42),
      amount: 1n,
    }))
    const p = { api: {} as never, netuid: 1, round: 0, ledgerCid: 'x', treasury: ALICE, assetId: 1, payouts }
    expect(() => buildSettleCall(p)).toThrow(/exceed the 1000/)
  })
})
