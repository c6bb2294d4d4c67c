import type { Devchain } from '../../chain/devchain/index.ts'
import type { Member, RoundSchedule } from '../../chain/protocol/index.ts'
import { accountId } from '../../chain/protocol/index.ts'
import { multisigAddress } from '../../chain/settle/index.ts'
import type { Logger } from '../../shared/logger/index.ts'
import type { ChainWatcher, SettleMultisig } from './ChainWatcher.ts'
import { type ClockDecision, clockDecision, type PreviousSettlement, type SeenAction } from './clockPolicy.ts'

/** A participant the devnet spawned. */
export type Participant = {
  name: string
  role: 'miner' | 'validator'
  address: string
  /** The adversarial behaviour of a miner the devnet added with `--adversary` (README "Security"). */
  adversary?: string
  /** What the clock waits for from this miner in a round (default `commit`: a commit, then a reveal). */
  expects?: (round: number) => 'commit' | 'reveal-only' | 'none'
}

/** The inputs of a `DevnetClock`. */
export type DevnetClockInit = {
  devchain: Pick<Devchain, 'head' | 'newBlock'>
  watcher: ChainWatcher
  participants: readonly Participant[]
  /** True while the participant's process runs (a dead one is not waited for). */
  isLive: (name: string) => boolean
  timeoutMs: number
  logger: Logger
  /** Participants that never reveal on purpose (a `no-reveal` faulty validator): not waited for. */
  neverReveal?: ReadonlySet<string>
  /** Awaited before each block the clock builds (chaos acts here, between two blocks). */
  beforeBuild?: (at: {
    head: number
    decision: ClockDecision
    pending: readonly SeenAction[]
    poolSize: number
  }) => Promise<void>
}

/** What one tick saw and did. */
export type TickResult = ClockDecision & {
  /** The head after this tick (one more than `observedHead` when it built a block). */
  head: number
  /** The head `settled` and `included` were read at: a block this tick built may hold a settlement they miss. */
  observedHead: number
  ready: boolean
  members: Map<string, Member>
  settled: Map<number, string>
  included: SeenAction[]
}

/**
 * The devnet's block clock: each tick reads the chain and the pool, asks `clockDecision` and
 * builds at most one block. The subnet's schedule is set once the subnet exists; before that only
 * transactions make blocks.
 */
export class DevnetClock {
  private readonly init: DevnetClockInit
  private schedule: RoundSchedule | null = null
  private windowKey = ''
  private windowSince = Date.now()
  private holding = false
  private lastRound = Number.POSITIVE_INFINITY
  private threshold: number | undefined
  private multisig: SettleMultisig | undefined
  private told = ''

  constructor(init: DevnetClockInit) {
    this.init = init
  }

  /**
   * Sets the subnet's round schedule and the approvals a settlement needs; with the validators
   * (the multisig's signatories) the clock also waits for a round settling late before its deadline.
   */
  setSchedule(schedule: RoundSchedule, threshold?: number, validators?: readonly string[]): void {
    this.schedule = schedule
    this.threshold = threshold
    if (threshold !== undefined && validators?.length)
      this.multisig = { address: multisigAddress(validators, threshold), threshold }
  }

  /** From now on, only transactions make blocks (the rounds are over; claims still go through). */
  hold(): void {
    this.holding = true
  }

  /** No round after `round` is opened: past it, only transactions make blocks (claims still go through). */
  setLastRound(round: number): void {
    this.lastRound = round
  }

  private previous(
    head: number,
    round: number | undefined,
    settled: ReadonlyMap<number, string>,
    members: Map<string, Member>,
  ): Promise<PreviousSettlement | undefined> {
    const { schedule, multisig } = this
    if (!schedule || !multisig || round === undefined || settled.has(round - 1)) return Promise.resolve(undefined)
    return previousOf(this.init.watcher, { schedule, multisig, head, round, members })
  }

  /** Reads, decides and maybe builds one block. */
  async tick(now = Date.now()): Promise<TickResult> {
    const { devchain, watcher } = this.init
    const head = devchain.head()
    await watcher.refresh(head)
    const members = watcher.members()
    const byAccount = new Map([...members.values()].map((m) => [accountId(m.hotkey), m]))
    const memberOf = (p: Participant) => byAccount.get(accountId(p.address))
    const ready = this.init.participants.every((p) => memberOf(p) !== undefined)
    const settled = this.schedule ? await watcher.settled() : new Map<number, string>()
    const where = this.schedule?.windowAt(head + 1) ?? null
    const key = where ? `${where.round}:${where.window}` : 'pre'
    if (key !== this.windowKey) {
      this.windowKey = key
      this.windowSince = now
    }
    const firstBlock = where && this.schedule ? this.schedule.forRound(where.round).firstBlock : 0
    const round = where?.round ?? 0
    const expectedOf = (role: Participant['role'], acts: 'commit' | 'reveal-only' = 'commit') =>
      this.init.participants
        .filter((p) => p.role === role && this.init.isLive(p.name) && (p.expects?.(round) ?? 'commit') === acts)
        .map(memberOf)
        .filter((m): m is Member => m !== undefined && m.registeredAt < firstBlock)
        .map((m) => m.hotkey)
    const included = where && this.schedule ? watcher.included(this.schedule, where.round, members) : []
    const pool = watcher.pending()
    const holding = this.holding || (where !== null && where.round > this.lastRound)
    const previous = holding ? undefined : await this.previous(head, where?.round, settled, members)
    const decision = holding
      ? { ...holdDecision(pool.size), round: where?.round ?? null, window: where?.window ?? null }
      : clockDecision({
          schedule: this.schedule,
          head,
          included,
          pending: pool.actions.map((a) => ({ ...a, hotkey: hotkeyOf(members, a.hotkey) })),
          poolSize: pool.size,
          expected: {
            miners: expectedOf('miner'),
            validators: expectedOf('validator'),
            revealOnly: expectedOf('miner', 'reveal-only'),
          },
          attempted: where && this.schedule ? watcher.attempted(this.schedule, where.round, members) : [],
          ready,
          settled: new Set(settled.keys()),
          now,
          windowSince: this.windowSince,
          timeoutMs: this.init.timeoutMs,
          threshold: this.threshold,
          neverReveal: this.init.participants
            .filter((p) => this.init.neverReveal?.has(p.name))
            .flatMap((p) => memberOf(p)?.hotkey ?? []),
          previous,
        })
    // Once per wait: the clock holds a block back for a round settling late (see `clockDecision`).
    if (!decision.build && previous && decision.reason.startsWith(`waiting for round ${previous.round}'s`)) {
      if (this.told !== decision.reason) this.init.logger.info(`clock: ${decision.reason}`, { head })
      this.told = decision.reason
    }
    if (decision.build) {
      await this.init.beforeBuild?.({ head, decision, pending: pool.actions, poolSize: pool.size })
      const built = await devchain.newBlock()
      this.init.logger.debug('block built', { block: built, reason: decision.reason })
      if (decision.reason.endsWith('timeout')) this.init.logger.warn('window timed out', { block: built, ...decision })
    }
    return { ...decision, head: devchain.head(), observedHead: head, ready, members, settled, included }
  }
}

/** Round r − 1's late settlement, read only in the two blocks before its deadline (round r's last block). */
async function previousOf(
  watcher: ChainWatcher,
  p: { schedule: RoundSchedule; multisig: SettleMultisig; head: number; round: number; members: Map<string, Member> },
): Promise<PreviousSettlement | undefined> {
  const prev = p.round - 1
  if (prev < 0 || p.head + 1 < p.schedule.forRound(p.round).lastBlock - 1) return undefined
  const hadReveals = watcher.included(p.schedule, prev, p.members).some((a) => a.type === 'weights-reveal')
  if (!hadReveals) return { round: prev, hadReveals, proposed: false, proposalPending: false, completing: false }
  return { round: prev, hadReveals, ...(await watcher.settleProgress(prev, p.multisig)) }
}

function holdDecision(poolSize: number): Pick<ClockDecision, 'build' | 'reason' | 'waitingFor'> {
  return { build: poolSize > 0, reason: poolSize > 0 ? 'transactions pending' : 'holding', waitingFor: [] }
}

/** The registered spelling of a signer (pool signers are SS58 of any prefix; members keep theirs). */
function hotkeyOf(members: ReadonlyMap<string, Member>, signer: string): string {
  if (members.has(signer)) return signer
  const id = accountId(signer)
  for (const m of members.values()) if (accountId(m.hotkey) === id) return m.hotkey
  return signer
}
