import type { PartialConfig } from '../presets.ts'

/**
 * The round clock of `crowdtrain devnet`: windows of 2 blocks + 1 grace block and 2 settle blocks.
 * The devnet's clock waits for every participant before it moves on, so short windows cost no
 * work, only fewer blocks. Immunity is short so a devnet can try replacements within minutes.
 */
export const devnet: PartialConfig = {
  round: { tempo: 14, commitBlocks: 2, revealBlocks: 2, evaluateBlocks: 2, weightsRevealBlocks: 2, graceBlocks: 1 },
  subnet: { immunityBlocks: 28 },
}
