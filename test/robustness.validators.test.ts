import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { RoundLedger } from '../chain/ledger/index.ts'
import { accountId } from '../chain/protocol/index.ts'
import type { RoundSummary, ValidatorSummary } from '../cli/devnet/index.ts'
import { type ServedDevnet, startServedDevnet } from './helpers/servedDevnet.ts'

// One tiny devnet for the whole file: 2 miners, 6 validators (threshold 4), 2 rounds. The faults go
// to the last validators (--faulty-validator fills from the end):
//   validator-5 bad-reveal, validator-4 no-reveal+offline, validator-3 copier+wrong-settle, validator-2 outlier;
// validator-0 and validator-1 are honest. Counted reveals: 0, 1 and the outlier (honest stake
// majority); honest settlers: 0, 1, 2 and 5 — exactly the threshold.
let net: ServedDevnet
let ledgers: RoundLedger[] = []

beforeAll(async () => {
  net = await startServedDevnet('robust-validators-', [
    ...['--miners', '2', '--validators', '6', '--rounds', '2', '--preset', 'tiny', '--window-timeout', '600'],
    ...['--faulty-validator', 'bad-reveal', '--faulty-validator', 'no-reveal+offline'],
    ...['--faulty-validator', 'copier+wrong-settle', '--faulty-validator', 'outlier'],
  ])
  ledgers = await Promise.all(net.result.rounds.map((r) => net.ledger(r.ledgerCid)))
}, 900_000)

afterAll(async () => {
  await net?.stop()
}, 60_000)

const validator = (r: RoundSummary, name: string) => r.validators.find((v) => v.name === name) as ValidatorSummary
const uidOf = (name: string) => validator(net.result.rounds[0], name).uid
const addressOf = (name: string) => validator(net.result.rounds[0], name).hotkey
const logLines = (name: string, msg: string) => net.logOf(name).filter((l) => l.msg === msg)
// What to read when a validator's record is missing: its warnings and errors, and the clock's timeouts.
const diagnose = (name: string) =>
  [
    ...net
      .logOf(name)
      .filter((l) => l.level === 'warn' || l.level === 'error')
      .slice(-8)
      .map((l) => `${name}: ${l.msg} ${JSON.stringify({ ...l, msg: undefined, time: undefined })}`),
    ...net
      .stderr()
      .split('\n')
      .filter((l) => l.includes('timed out'))
      .slice(-4),
  ].join('\n')
const u16 = (pairs: readonly (readonly [number, number])[], uid: number) => pairs.find(([u]) => u === uid)?.[1] ?? 0

describe('robustness: faulty validators', () => {
  test('default: every round settles, every accepted miner is paid, and the emission is minted once', () => {
    expect(net.result.rounds).toHaveLength(2)
    for (const r of net.result.rounds) {
      expect(r.settled).toBe(true)
      expect(r.minted).toBe(r.emission)
      const accepted = r.miners.filter((m) => m.accepted)
      expect(accepted.length, `round ${r.round}`).toBeGreaterThan(0)
      for (const m of accepted) expect(BigInt(m.reward), `${m.name} round ${r.round}`).toBeGreaterThan(0n)
    }
  })

  test('behavior: the outlier (all weight to one miner) is clipped by consensus', () => {
    const outlier = uidOf('validator-2')
    for (const ledger of ledgers) {
      expect(ledger.revealed, `round ${ledger.round}\n${diagnose('validator-2')}`).toContain(outlier)
      const row = ledger.weights.find(([v]) => v === outlier)?.[1] ?? []
      expect(row).toHaveLength(1)
      const [pick, weight] = row[0]
      expect(weight).toBe(65535)
      // The honest majority of stake gives that miner less: consensus (and so the clipped weight) is below the vote.
      expect(u16(ledger.consensus.consensus, pick)).toBeLessThan(65535)
      const trust = (name: string) => u16(ledger.consensus.validatorTrust, uidOf(name))
      expect(trust('validator-2')).toBeLessThan(Math.min(trust('validator-0'), trust('validator-1')))
    }
    for (const r of net.result.rounds) {
      const honest = Math.min(validator(r, 'validator-0').dividends, validator(r, 'validator-1').dividends)
      expect(validator(r, 'validator-2').dividends).toBeLessThan(honest)
    }
  })

  test('behavior: the copier re-revealed another validator’s weights; its reveal is ignored (it cannot match its commit)', () => {
    expect(
      logLines('validator-3', "faulty validator (copier): re-revealed another validator's weights").length,
    ).toBeGreaterThanOrEqual(2)
    for (const [i, ledger] of ledgers.entries()) {
      expect(ledger.revealed).not.toContain(uidOf('validator-3'))
      expect(validator(net.result.rounds[i], 'validator-3').reward).toBe('0')
    }
    const ignored = logLines('validator-0', 'record ignored').filter(
      (l) => accountId(String(l.signer)) === accountId(addressOf('validator-3')),
    )
    expect(ignored.map((l) => l.code)).toContain('mismatch')
  })

  test('behavior: a reveal that does not match its commit (bad-reveal) is ignored with the reason', () => {
    for (const ledger of ledgers) expect(ledger.revealed).not.toContain(uidOf('validator-5'))
    const ignored = logLines('validator-1', 'record ignored').filter(
      (l) => accountId(String(l.signer)) === accountId(addressOf('validator-5')),
    )
    expect(ignored.length).toBeGreaterThan(0)
    expect(String(ignored[0].why)).toMatch(/do not match the commit/)
  })

  test('behavior: a validator that commits and never reveals is left out of consensus, and the clock does not wait for it', () => {
    expect(
      logLines('validator-4', 'faulty validator (no-reveal): committed, not revealing').length,
    ).toBeGreaterThanOrEqual(2)
    for (const ledger of ledgers) {
      expect(ledger.revealed).not.toContain(uidOf('validator-4'))
      expect(
        [...ledger.revealed].sort((a, b) => a - b),
        `round ${ledger.round}\n${diagnose('validator-2')}`,
      ).toEqual([uidOf('validator-0'), uidOf('validator-1'), uidOf('validator-2')].sort((a, b) => a - b))
    }
  })

  test('behavior: an offline validator never approves; the others still reach the threshold', () => {
    expect(logLines('validator-4', 'faulty validator (offline): not settling').length).toBeGreaterThan(0)
    expect(logLines('validator-4', 'settle call sent')).toEqual([])
    for (const r of net.result.rounds) expect(r.settled).toBe(true)
  })

  test('behavior: a settlement paying its proposer extra is refused with the reason, and the honest call settles the round', () => {
    const wrong = addressOf('validator-3')
    expect(
      logLines('validator-3', 'faulty validator (wrong-settle): proposing a settlement that pays itself extra').length,
    ).toBeGreaterThanOrEqual(2)
    const honest = ['validator-0', 'validator-1', 'validator-2', 'validator-5']
    const refusals = honest.flatMap((n) => logLines(n, 'settlement refused: the proposed call differs from ours'))
    // Only a validator that has not approved the honest call yet looks at other proposals: the wrong
    // call is refused when it landed before some honest approval. Pipelined miners share the CPU with
    // the validators, and the wrong proposer's outcome can be ready only after the last approval (then
    // its call never lands: the round is settled).
    const sent = (n: string) => logLines(n, 'settle call sent').map((l) => ({ round: l.round, block: Number(l.block) }))
    const honestSent = honest.flatMap(sent)
    // A call sent at head b lands in block b + 1 at the earliest; an honest validator sees it among the
    // pending calls only when it reads them at a later head (it reads, then sends, at one head).
    const refusable = sent('validator-3').filter((w) =>
      honestSent.some((h) => h.round === w.round && h.block > w.block + 1),
    )
    if (refusable.length > 0) expect(refusals.length, JSON.stringify(refusable)).toBeGreaterThan(0)
    for (const r of refusals) expect(String(r.reason)).toContain(`approval to ${wrong}`)
    for (const [i, ledger] of ledgers.entries()) {
      // The executed call is the honest one: the ledger's payouts, nothing extra for the proposer of the wrong one.
      expect(ledger.payouts.some((p) => accountId(p.address) === accountId(wrong))).toBe(false)
      expect(net.result.rounds[i].minted).toBe(ledger.emission)
    }
  })
})
