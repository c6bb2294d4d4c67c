import type { Schema } from './schema.ts'

/**
 * The crowdtrain configuration: one plain typed tree, a default and a reason for every field.
 * It is saved inside every subnet document and checkpoint manifest.
 */
export const configSchema = {
  task: {
    name: {
      kind: 'string',
      default: 'moby-char',
      reason: 'moby-char ships with npm (no download) and trains in minutes on a CPU.',
    },
    pageTokens: {
      kind: 'int',
      default: 512,
      min: 8,
      max: 1 << 20,
      reason: 'P: a page is the unit of data assignment; 512 tokens keeps ~2,400 pages in Moby Dick.',
    },
    pagesPerMiner: {
      kind: 'int',
      default: 64,
      min: 1,
      max: 100_000,
      reason: 'J: J·P must cover H·batch·context tokens so a miner does not overfit its pages (design §3).',
    },
    evalPages: {
      kind: 'int',
      default: 8,
      min: 1,
      max: 10_000,
      reason: 'Eval pages per validator per round: enough to average the noise, cheap on a CPU.',
    },
    pageExamples: {
      kind: 'int',
      default: 32,
      min: 1,
      max: 1 << 20,
      reason: 'Examples per page for classification tasks (mnist-mlp): 32 keeps ~300 pages of its 10,000 digits.',
    },
  },
  model: {
    context: {
      kind: 'int',
      default: 128,
      min: 2,
      max: 4096,
      reason: 'Tokens the transformer attends over; 128 fits 2 CPU cores.',
    },
    width: {
      kind: 'int',
      default: 128,
      min: 4,
      max: 8192,
      reason: 'Embedding width; 128 with 4 layers is ~0.8 M parameters.',
    },
    layers: {
      kind: 'int',
      default: 4,
      min: 1,
      max: 96,
      reason: 'Transformer blocks; also the natural shard boundaries.',
    },
    heads: { kind: 'int', default: 4, min: 1, max: 128, reason: 'Attention heads; must divide width.' },
    hidden: { kind: 'int', default: 128, min: 1, max: 65_536, reason: 'Hidden units of the MLP task (mnist-mlp).' },
    seed: {
      kind: 'int',
      default: 1,
      min: 0,
      max: 2 ** 31 - 1,
      reason: 'Seed of the genesis initialisation: the same seed gives the same bytes.',
    },
  },
  train: {
    backend: {
      kind: 'enum',
      default: 'wasm',
      values: ['wasm', 'tensorflow', 'cpu'],
      reason: 'wasm ships in npm and is fast on CPUs; tensorflow when the user installed tfjs-node(-gpu).',
    },
    innerSteps: {
      kind: 'int',
      default: 30,
      min: 1,
      max: 1_000_000,
      reason: 'H: optimizer steps per round between synchronisations (DiLoCo inner loop).',
    },
    batch: {
      kind: 'int',
      default: 8,
      min: 1,
      max: 65_536,
      reason: 'Sequences per step; 8×128 tokens keeps a step near a second on wasm.',
    },
    lr: {
      kind: 'number',
      default: 3e-3,
      min: 0,
      max: 10,
      reason: 'Peak AdamW learning rate, a safe value for a small character model.',
    },
    minLrRatio: {
      kind: 'number',
      default: 0.1,
      min: 0,
      max: 1,
      reason: 'Cosine decays to this fraction of lr (nanoGPT).',
    },
    warmupSteps: {
      kind: 'int',
      default: 3,
      min: 0,
      max: 1_000_000,
      reason: 'Linear warm-up avoids a large first step from fresh Adam moments (global steps: round 0 only).',
    },
    decayRounds: {
      kind: 'int',
      default: 100,
      min: 1,
      max: 100_000_000,
      reason:
        'The inner cosine spans decayRounds·H global steps, then stays at lr·minLrRatio: the network anneals once, as one run does (devnet and bench: their --rounds).',
    },
    weightDecay: { kind: 'number', default: 0.1, min: 0, max: 10, reason: 'AdamW decoupled weight decay (nanoGPT).' },
    beta1: { kind: 'number', default: 0.9, min: 0, max: 0.999999, reason: 'Adam first-moment decay.' },
    beta2: {
      kind: 'number',
      default: 0.95,
      min: 0,
      max: 0.999999,
      reason: 'Adam second-moment decay; 0.95 is robust for transformers.',
    },
    clip: { kind: 'number', default: 1, min: 0, max: 1e6, reason: 'Global gradient-norm clip; 0 disables it.' },
  },
  shards: {
    count: {
      kind: 'int',
      default: 1,
      min: 1,
      max: 1024,
      reason:
        'S: parameter shards; 1 (every miner trains the whole model, DiLoCo-style) reached 1.048× data-parallel loss against 1.056× with 2 on the default model (bench convergence, 10 rounds): with S shards each parameter learns from only M/S miners a round.',
    },
    rotateEvery: {
      kind: 'int',
      default: 2,
      min: 1,
      max: 1_000_000,
      reason: 'E: a miner keeps its shard this many rounds so its optimizer state and residual stay useful.',
    },
  },
  compress: {
    rank: {
      kind: 'int',
      default: 6,
      min: 0,
      max: 64,
      reason:
        'Matrices go as rank-r factors (P·Qᵀ, PowerSGD-style) with error feedback: rank 6 at 4 bits reached 1.041× data-parallel loss at 111× compression on the default model (rank 4 at 6 bits, the same bytes: 1.048×); 0 sends every tensor by top-k.',
    },
    density: {
      kind: 'number',
      default: 0.01,
      min: 1e-6,
      max: 1,
      reason: 'Fraction of values kept per chunk (top-k); 1% with 8 bits is ~64× smaller than float32.',
    },
    bits: {
      kind: 'int',
      default: 4,
      min: 2,
      max: 8,
      reason:
        'Bits per kept value or factor entry, with a per-chunk (per-column) scale; the rounding error goes into error feedback (4 bits with rank 6 beat 6 bits with rank 4 and 3 bits with rank 8 at equal bytes).',
    },
    chunk: {
      kind: 'int',
      default: 4096,
      min: 64,
      max: 1 << 24,
      reason: 'Chunk length for top-k; local selection keeps every tensor region represented.',
    },
    feedbackDecay: {
      kind: 'number',
      default: 0.5,
      min: 0,
      max: 1,
      reason:
        'β of error feedback: the residual carried to the next round is scaled by β first; 0.5 measured best on the default model (bench convergence, 10 rounds: 2.504 vs 2.518 at 0.8 and 2.519 at 1), with fewer honest deltas refused late in the run.',
    },
  },
  outer: {
    lr: {
      kind: 'number',
      default: 1,
      min: 0,
      max: 10,
      reason: 'η, the outer learning rate: 1 applies the mean accepted delta as trained (the step validators score).',
    },
    momentum: {
      kind: 'number',
      default: 0,
      min: 0,
      max: 0.999,
      reason:
        "Nesterov momentum of the outer step (DiLoCo); 0 by default: the miners' error-feedback residual already carries what was not sent (SparseLoCo), and with momentum the checkpoint would step further than validators scored.",
    },
    topG: {
      kind: 'int',
      default: 8,
      min: 1,
      max: 10_000,
      reason: 'At most G accepted deltas per shard are aggregated, best first.',
    },
    clipNorm: {
      kind: 'number',
      default: 10,
      min: 0,
      max: 1e9,
      reason: 'Each delta is norm-clipped to this before averaging; bounds any one contribution.',
    },
  },
  round: {
    tempo: {
      kind: 'int',
      default: 360,
      min: 8,
      max: 1_000_000,
      reason: 'Blocks per round: a few hundred leave each window minutes at production block times (design §2).',
    },
    commitBlocks: {
      kind: 'int',
      default: 100,
      min: 1,
      max: 1_000_000,
      reason: 'Miner commit window: time to finish training and commit the delta hash.',
    },
    revealBlocks: {
      kind: 'int',
      default: 40,
      min: 1,
      max: 1_000_000,
      reason: 'Miner reveal window: one transaction per miner.',
    },
    evaluateBlocks: {
      kind: 'int',
      default: 120,
      min: 1,
      max: 1_000_000,
      reason: 'Validators fetch and score every delta, then commit weights: the longest task.',
    },
    weightsRevealBlocks: {
      kind: 'int',
      default: 40,
      min: 1,
      max: 1_000_000,
      reason: 'Validator weights reveal window: one transaction per validator.',
    },
    graceBlocks: {
      kind: 'int',
      default: 3,
      min: 0,
      max: 1000,
      reason: 'Blocks after each window that still count, so a transaction sent in its last block is not lost.',
    },
    staleness: {
      kind: 'int',
      default: 1,
      min: 0,
      max: 1,
      reason:
        "Rounds a delta's base lags behind its round. 1 (pipelined, the default): miners train round r + 1 while round r is revealed, scored and settled — on the checkpoint settled before round r, from that base plus their own previous delta, moving onto round r's checkpoint when it settles mid-training — so they are busy ~0.9 of the time instead of ~0.6. 0 (sequential): every round trains on the newest checkpoint; miners wait while validators score and settle (docs/network.md).",
    },
  },
  proof: {
    every: {
      kind: 'int',
      default: 5,
      min: 1,
      max: 1024,
      reason:
        'Inner steps per replayed segment: a miner publishes its shard\'s training state (values and AdamW moments) before every `every`-th step and after the last, and each validator replays one segment it draws after the reveals on the miner\'s assigned pages (docs/network.md "Proof of training"). Smaller: cheaper replays, more snapshots to store and fetch.',
    },
    tolerance: {
      kind: 'number',
      default: 0.05,
      min: 0,
      max: 1,
      reason:
        "A replayed segment must end within this share of the segment's own update of the miner's snapshot (L2). Measured: replay on one thread of a two-worker training 4e-6–7e-6 (tiny) of the update, the same thread 0; a segment trained on other pages of the dataset 0.25–1.05.",
    },
    tieCosine: {
      kind: 'number',
      default: 0.5,
      min: -1,
      max: 1,
      reason:
        'The delta sent must point where the proven training went: its cosine with (last snapshot − the base it is taken from) at least this. Honest deltas through the compressor with error feedback measured 0.82–0.87 (tiny and default model, rounds 1–2).',
    },
  },
  consensus: {
    kappa: {
      kind: 'int',
      default: 32768,
      min: 32768,
      max: 65535,
      reason:
        "κ as u16/65535: consensus weights and accepted deltas need validators holding at least κ of the stake; 32768/65535 is just over ½, so validators holding exactly half (one of two) never decide alone (subtensor's 32767 lets them).",
    },
    bondsPenalty: {
      kind: 'int',
      default: 65535,
      min: 0,
      max: 65535,
      reason: 'p as u16/65535: 1 means bonds grow only from consensus-clipped weights (subtensor default).',
    },
    bondsMovingAverage: {
      kind: 'int',
      default: 900000,
      min: 0,
      max: 1_000_000,
      reason: 'Bond EMA, parts per million kept from the past: α = 1 − 0.9 (subtensor default).',
    },
  },
  subnet: {
    emissionPerRound: {
      kind: 'int',
      default: 1_000_000_000_000,
      min: 0,
      max: Number.MAX_SAFE_INTEGER,
      reason: 'Subnet asset minted per settled round, in its smallest unit (1 token at 12 decimals).',
    },
    ownerBps: {
      kind: 'int',
      default: 1800,
      min: 0,
      max: 10_000,
      reason: 'Owner cut in basis points (Bittensor: 18%).',
    },
    minersBps: {
      kind: 'int',
      default: 4100,
      min: 0,
      max: 10_000,
      reason: 'Miners share in basis points, paid by incentive (Bittensor: 41%).',
    },
    validatorsBps: {
      kind: 'int',
      default: 4100,
      min: 0,
      max: 10_000,
      reason: 'Validators share in basis points, paid by dividends (Bittensor: 41%).',
    },
    maxUids: {
      kind: 'int',
      default: 256,
      min: 2,
      max: 4096,
      reason: 'Uid cap: a weights reveal must fit one remark, and Yuma is O(n²) in BigInt.',
    },
    immunityBlocks: {
      kind: 'int',
      default: 1440,
      min: 0,
      max: 100_000_000,
      reason: 'A new uid cannot be replaced for this many blocks (4 default rounds), so it can earn first.',
    },
  },
} as const satisfies Schema

/** The parsed configuration. */
export type CrowdtrainConfig = {
  task: { name: string; pageTokens: number; pagesPerMiner: number; evalPages: number; pageExamples: number }
  model: { context: number; width: number; layers: number; heads: number; hidden: number; seed: number }
  train: {
    backend: 'wasm' | 'tensorflow' | 'cpu'
    innerSteps: number
    batch: number
    lr: number
    minLrRatio: number
    warmupSteps: number
    decayRounds: number
    weightDecay: number
    beta1: number
    beta2: number
    clip: number
  }
  shards: { count: number; rotateEvery: number }
  compress: { rank: number; density: number; bits: number; chunk: number; feedbackDecay: number }
  outer: { lr: number; momentum: number; topG: number; clipNorm: number }
  round: {
    tempo: number
    commitBlocks: number
    revealBlocks: number
    evaluateBlocks: number
    weightsRevealBlocks: number
    graceBlocks: number
    staleness: number
  }
  proof: { every: number; tolerance: number; tieCosine: number }
  consensus: { kappa: number; bondsPenalty: number; bondsMovingAverage: number }
  subnet: {
    emissionPerRound: number
    ownerBps: number
    minersBps: number
    validatorsBps: number
    maxUids: number
    immunityBlocks: number
  }
}
