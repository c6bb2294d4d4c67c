import { BaseError } from '../shared/errors/index.ts'

/** The miner's state file exists but cannot be used (corrupt, another hotkey or subnet). */
export class MinerStateError extends BaseError {
  override name = 'MinerStateError'
  constructor(file: string, reason: string, cause?: unknown) {
    super('miner.state', `The miner state in ${file} cannot be used: ${reason}.`, {
      details: 'Point --data at the folder of this wallet and subnet, or move the file away to start fresh.',
      cause,
      meta: { file },
    })
  }
}

export { InvalidLedgerError } from '../chain/subnet/index.ts'
