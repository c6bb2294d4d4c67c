import { BlockOutOfRangeError, InvalidScheduleError } from './errors.ts'

/** The four windows of a round, in order. */
export const WINDOW_NAMES = ['commit', 'reveal', 'evaluate', 'weightsReveal'] as const
/** A round window's name. */
export type WindowName = (typeof WINDOW_NAMES)[number]

/**
 * A window's blocks, all inclusive. Participants send in `[start, end]`; records included up to
 * `graceEnd` still count, so a transaction sent in the window's last block is not lost. The next
 * window opens at `graceEnd + 1`: grace blocks never overlap the next window.
 */
export type BlockWindow = { start: number; end: number; graceEnd: number }

/** Every block range of one round. */
export type RoundWindows = {
  round: number
  /** The round's first block. */
  firstBlock: number
  /**
   * The block the round's training is pinned to: its hash seeds the miners' page draws (design §3)
   * and its chain state names the base checkpoint. `firstBlock` of round `r − staleness` (of round 0
   * for the first rounds): with staleness 1 a miner trains round r + 1 while round r is revealed,
   * scored and settled (docs/network.md "Pipelined rounds").
   */
  trainBlock: number
  lastBlock: number
  commit: BlockWindow
  reveal: BlockWindow
  evaluate: BlockWindow
  weightsReveal: BlockWindow
  /** The rest of the round, after the last grace block: settlement. */
  settle: { start: number; end: number }
  /**
   * The last block in which a miner commit counts (the commit window's `graceEnd`): its hash seeds
   * the validators' eval pages, and is unknown until every counted commit is on chain.
   */
  commitClosedBlock: number
}

/** Where a block falls. */
export type WindowAt = { round: number; window: WindowName | 'settle'; inGrace: boolean }

/** The parameters of a round schedule (block counts). */
export type RoundWindowsParameters = {
  tempo: number
  genesisBlock?: number
  windows: Record<WindowName, number>
  grace: number
  /** Rounds the training base lags behind the round (0 sequential, 1 pipelined; default 0). */
  staleness?: number
}

/** A subnet's round clock: pure arithmetic on block numbers. */
export type RoundSchedule = {
  tempo: number
  genesisBlock: number
  grace: number
  staleness: number
  windows: Readonly<Record<WindowName, number>>
  /** Every block range of round `r`. */
  forRound(round: number): RoundWindows
  /** The round a block belongs to; throws `BlockOutOfRangeError` before genesis. */
  roundOf(block: number): number
  /** The round and window of a block, or null before genesis. */
  windowAt(block: number): WindowAt | null
}

/**
 * Builds the round clock. Round `r` spans `[genesis + r·tempo, genesis + (r+1)·tempo − 1]`; its
 * windows follow each other from its first block, each `length` blocks plus `grace` blocks; the
 * blocks left until the next round are the settle phase. Throws `InvalidScheduleError` when the
 * windows and their grace do not fit in `tempo`.
 */
export function roundWindows(params: RoundWindowsParameters): RoundSchedule {
  const { tempo, grace } = params
  const genesisBlock = params.genesisBlock ?? 0
  const staleness = params.staleness ?? 0
  const windows = { ...params.windows }
  checkInt('tempo', tempo, 1)
  checkInt('grace', grace, 0)
  checkInt('genesisBlock', genesisBlock, 0)
  checkInt('staleness', staleness, 0)
  for (const name of WINDOW_NAMES) checkInt(`windows.${name}`, windows[name], 1)
  const used = WINDOW_NAMES.reduce((sum, name) => sum + windows[name] + grace, 0)
  if (used > tempo) {
    throw new InvalidScheduleError(`the four windows and their grace blocks need ${used} blocks, but tempo is ${tempo}`)
  }

  const forRound = (round: number): RoundWindows => {
    if (!Number.isSafeInteger(round) || round < 0)
      throw new InvalidScheduleError(`round ${round} is not a round number`)
    const firstBlock = genesisBlock + round * tempo
    let next = firstBlock
    const out = {} as Record<WindowName, BlockWindow>
    for (const name of WINDOW_NAMES) {
      const end = next + windows[name] - 1
      out[name] = { start: next, end, graceEnd: end + grace }
      next = end + grace + 1
    }
    const lastBlock = firstBlock + tempo - 1
    return {
      round,
      firstBlock,
      trainBlock: genesisBlock + Math.max(0, round - staleness) * tempo,
      lastBlock,
      ...out,
      settle: { start: next, end: lastBlock },
      commitClosedBlock: out.commit.graceEnd,
    }
  }

  const roundOf = (block: number): number => {
    if (!Number.isSafeInteger(block) || block < genesisBlock) throw new BlockOutOfRangeError(block, genesisBlock)
    return Math.floor((block - genesisBlock) / tempo)
  }

  const windowAt = (block: number): WindowAt | null => {
    if (!Number.isSafeInteger(block) || block < genesisBlock) return null
    const w = forRound(roundOf(block))
    for (const name of WINDOW_NAMES) {
      if (block >= w[name].start && block <= w[name].graceEnd) {
        return { round: w.round, window: name, inGrace: block > w[name].end }
      }
    }
    return { round: w.round, window: 'settle', inGrace: false }
  }

  return { tempo, genesisBlock, grace, staleness, windows, forRound, roundOf, windowAt }
}

/** The round clock from the `round` section of the config. */
export function scheduleFromConfig(
  round: {
    tempo: number
    commitBlocks: number
    revealBlocks: number
    evaluateBlocks: number
    weightsRevealBlocks: number
    graceBlocks: number
    staleness: number
  },
  genesisBlock = 0,
): RoundSchedule {
  return roundWindows({
    tempo: round.tempo,
    genesisBlock,
    grace: round.graceBlocks,
    staleness: round.staleness,
    windows: {
      commit: round.commitBlocks,
      reveal: round.revealBlocks,
      evaluate: round.evaluateBlocks,
      weightsReveal: round.weightsRevealBlocks,
    },
  })
}

function checkInt(name: string, value: number, min: number): void {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new InvalidScheduleError(`${name} must be an integer ≥ ${min}, got ${value}`)
  }
}
