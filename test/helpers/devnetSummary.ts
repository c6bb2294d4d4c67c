import type { MinerSummary, RoundSummary } from '../../cli/devnet/index.ts'

const HOTKEYS = [
  '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY',
  '5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty',
  '5FLSigC9HGRKVhB9FiEo4Y3koPsNmBmLJbpXg2mp1hXcS59Y',
]
const VALIDATORS = [
  '5DAAnrj7VHTznn2AWBemMuyBwZWs6FNFjdyVXUeYum3PTXFy',
  '5HGjWAeFDfFCWPsjFQdVV2Msvz2XtMktvgocEZcCj68kUMaw',
]
const LOSS = [4.6113, 4.1405, 3.7571, 3.6192]
const TOKEN = 10n ** 12n

/**
 * A devnet summary as `crowdtrain devnet --json` prints it: 3 rounds, 3 miners, 2 validators; in
 * round 1 miner-2 scored zero (both validators say why) and was paid nothing.
 */
export function devnetSummary(rounds = 3): { rounds: RoundSummary[]; elapsedMs: number; dir: string; netuid: number } {
  return {
    rounds: Array.from({ length: rounds }, (_, i) => round(i)),
    elapsedMs: 275_867,
    dir: '/tmp/devnet/20261125T010000',
    netuid: 1,
  }
}

function round(r: number): RoundSummary {
  const zeroed = r === 1 ? 2 : -1
  const miners: MinerSummary[] = HOTKEYS.map((hotkey, i) => {
    const reward = i === zeroed ? 0n : (TOKEN * BigInt(30 + 5 * i + 3 * r)) / 10n
    return {
      uid: i,
      hotkey,
      name: `miner-${i}`,
      revealed: true,
      accepted: i !== zeroed,
      score: i === zeroed ? 0 : 0.3 + 0.02 * i,
      incentive: i === zeroed ? 0 : 0.33,
      reward: reward.toString(),
      claimed: reward > 0n,
      ...(i === zeroed
        ? {
            reasons: [
              { validator: 'validator-0', score: 0, reason: 'wrong-data' },
              { validator: 'validator-1', score: 0, reason: 'no-improvement' },
            ],
          }
        : {}),
    }
  })
  return {
    round: 7 + r,
    checkpointCid: `bafybeicheckpoint${r}`,
    ledgerCid: `bafkreiledger${r}`,
    lossBefore: LOSS[r],
    lossAfter: LOSS[r + 1],
    emission: (10n * TOKEN).toString(),
    minted: (10n * TOKEN).toString(),
    ownerReward: (18n * TOKEN) / 10n + '',
    settled: true,
    miners,
    validators: VALIDATORS.map((hotkey, j) => ({
      uid: 3 + j,
      hotkey,
      name: `validator-${j}`,
      revealed: true,
      dividends: 0.5,
      reward: (2n * TOKEN).toString(),
      claimed: false,
    })),
  }
}
