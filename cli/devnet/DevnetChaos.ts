import { accountId, type RoundSchedule } from '../../chain/protocol/index.ts'
import type { Logger } from '../../shared/logger/index.ts'
import type { ChildProcesses } from './ChildProcesses.ts'
import type { ClockDecision, SeenAction } from './clockPolicy.ts'
import type { Participant, TickResult } from './DevnetClock.ts'
import type { ChaosSpec } from './parseChaos.ts'

/** The inputs of `DevnetChaos`. */
export type DevnetChaosInit = {
  chaos: readonly ChaosSpec[]
  children: Pick<ChildProcesses, 'restart' | 'kill' | 'startAgain' | 'pause' | 'resume'>
  participants: readonly Participant[]
  /** Stops the embedded chain and starts it again on the same port and db. */
  restartChain: () => Promise<void>
  logger: Logger
}

/** What the clock knows right before it builds a block. */
export type BeforeBuild = { head: number; decision: ClockDecision; pending: readonly SeenAction[]; poolSize: number }

/** A chaos step: what to do to whom, decided from where the chain is (pure, unit-tested). */
export type ChaosStep =
  | { do: 'restart' | 'kill' | 'start' | 'pause' | 'resume'; name: string; why: string; spec: ChaosSpec }
  | { do: 'restart-chain'; why: string; spec: ChaosSpec }

/** Where the devnet stands: the schedule, its first counted round and the validators a settle needs. */
export type ChaosRounds = { schedule: RoundSchedule; firstRound: number; threshold: number }

/**
 * The devnet's faults on purpose (`--chaos`, see parseChaos), applied at exact points of the
 * chain: before a block is built (a kill between a transaction entering the pool and its
 * inclusion, a freeze before a round opens, a chain restart between two windows) or after a tick
 * (a kill once a commit is included, a restart after a void deadline). Each fault fires once.
 */
export class DevnetChaos {
  private readonly init: DevnetChaosInit
  private rounds: ChaosRounds | undefined
  private readonly done = new Set<string>()
  /** Participants killed on purpose and not (yet) started again. */
  readonly gone = new Set<string>()

  constructor(init: DevnetChaosInit) {
    this.init = init
  }

  /** Starts the round-bound faults once the devnet knows its first counted round. */
  setRounds(rounds: ChaosRounds): void {
    this.rounds = rounds
  }

  /** Absolute rounds the faults make void on purpose. */
  voidRounds(): Set<number> {
    const first = this.rounds?.firstRound ?? 0
    return new Set(this.init.chaos.flatMap((c) => (c.kind === 'void-round' ? [first + c.round] : [])))
  }

  /** Awaited by the clock before it builds a block. */
  async beforeBuild(at: BeforeBuild): Promise<void> {
    if (!this.rounds) return
    await this.apply(chaosBeforeBuild(this.init.chaos, this.rounds, this.init.participants, at, this.done))
  }

  /** Called by the devnet after each clock tick. */
  async afterTick(t: Pick<TickResult, 'head' | 'included'>): Promise<void> {
    if (!this.rounds) return
    await this.apply(chaosAfterTick(this.init.chaos, this.rounds, this.init.participants, t, this.done))
  }

  private async apply(steps: readonly ChaosStep[]): Promise<void> {
    const { children, logger } = this.init
    for (const s of steps) {
      this.done.add(stepKey(s))
      logger.warn(`chaos: ${s.why}`, { fault: s.spec.kind, ...('name' in s ? { name: s.name } : {}) })
      if (s.do === 'restart-chain') await this.init.restartChain()
      else if (s.do === 'restart') await children.restart(s.name)
      else if (s.do === 'kill') {
        await children.kill(s.name)
        this.gone.add(s.name)
      } else if (s.do === 'start') {
        children.startAgain(s.name)
        this.gone.delete(s.name)
      } else if (s.do === 'pause') children.pause(s.name)
      else children.resume(s.name)
    }
  }
}

function stepKey(s: ChaosStep): string {
  return `${JSON.stringify(s.spec)}:${s.do}:${'name' in s ? s.name : ''}`
}

const fresh = (done: ReadonlySet<string>, s: ChaosStep) => (done.has(stepKey(s)) ? [] : [s])

/** The validators a void-round fault kills: the last ones, leaving one fewer than the threshold. */
export function voidVictims(participants: readonly Participant[], threshold: number): string[] {
  const validators = participants.filter((p) => p.role === 'validator').map((p) => p.name)
  return validators.slice(Math.max(0, threshold - 1))
}

/** The chaos steps due right before the clock builds block `head + 1` (pure). */
export function chaosBeforeBuild(
  chaos: readonly ChaosSpec[],
  r: ChaosRounds,
  participants: readonly Participant[],
  at: BeforeBuild,
  done: ReadonlySet<string>,
): ChaosStep[] {
  const next = at.head + 1
  const out: ChaosStep[] = []
  for (const spec of chaos) {
    const round = 'round' in spec ? r.firstRound + spec.round : -1
    const w = round >= 0 ? r.schedule.forRound(round) : undefined
    if (!w) continue
    if (spec.kind === 'kill-miner-after-reveal') {
      const x = participants.find((p) => p.name === `miner-${spec.index}`)
      const pending = at.pending.some(
        (a) => a.type === 'delta-reveal' && a.round === round && x && accountId(a.hotkey) === accountId(x.address),
      )
      if (pending)
        out.push(
          ...fresh(done, {
            do: 'kill',
            name: `miner-${spec.index}`,
            why: 'killing a miner before its revealed delta can be fetched',
            spec,
          }),
        )
    } else if (spec.kind === 'slow-miner') {
      const name = `miner-${spec.index}`
      if (next >= w.firstBlock && at.head < w.commit.graceEnd)
        out.push(...fresh(done, { do: 'pause', name, why: 'freezing a miner as its round opens', spec }))
      if (at.head >= w.commit.graceEnd && done.has(stepKey({ do: 'pause', name, why: '', spec })))
        out.push(
          ...fresh(done, { do: 'resume', name, why: 'the commit window closed; letting the slow miner go on', spec }),
        )
    } else if (spec.kind === 'restart-chain') {
      // With an empty pool: a restart drops what waits there (senders would have to send again).
      if (next >= w.evaluate.start && at.head < w.lastBlock && at.poolSize === 0)
        out.push(...fresh(done, { do: 'restart-chain', why: 'restarting the chain in the middle of a round', spec }))
    } else if (spec.kind === 'void-round') {
      // Before the block after which validators start settling (head = weightsReveal.graceEnd).
      if (next >= w.weightsReveal.graceEnd && at.head < r.schedule.forRound(round + 1).lastBlock)
        for (const name of voidVictims(participants, r.threshold))
          out.push(...fresh(done, { do: 'kill', name, why: 'killing validators so the round cannot settle', spec }))
    }
  }
  return out
}

/** The chaos steps due after a clock tick (pure). */
export function chaosAfterTick(
  chaos: readonly ChaosSpec[],
  r: ChaosRounds,
  participants: readonly Participant[],
  t: Pick<TickResult, 'head' | 'included'>,
  done: ReadonlySet<string>,
): ChaosStep[] {
  const out: ChaosStep[] = []
  for (const spec of chaos) {
    if (spec.kind === 'kill-after-commit') {
      const name = `${spec.role}-${spec.index}`
      const x = participants.find((p) => p.name === name)
      const type = spec.role === 'miner' ? 'delta-commit' : 'weights-commit'
      const round = r.firstRound + spec.round
      if (t.included.some((a) => a.type === type && a.round === round && a.hotkey === x?.address))
        out.push(
          ...fresh(done, {
            do: 'restart',
            name,
            why: 'killing a participant after its commit, then restarting it',
            spec,
          }),
        )
    } else if (spec.kind === 'void-round') {
      const round = r.firstRound + spec.round
      if (t.head >= r.schedule.forRound(round + 1).lastBlock)
        for (const name of voidVictims(participants, r.threshold))
          if (done.has(stepKey({ do: 'kill', name, why: '', spec })))
            out.push(
              ...fresh(done, {
                do: 'start',
                name,
                why: 'the void deadline passed; starting the validators again',
                spec,
              }),
            )
    }
  }
  return out
}
