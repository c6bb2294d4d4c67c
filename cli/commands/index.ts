import type { Command } from 'commander'
import { registerBench } from './bench.ts'
import { registerChain } from './chain.ts'
import { registerCheckpoint } from './checkpoint.ts'
import { registerClaim } from './claim.ts'
import { registerDevnet } from './devnet.ts'
import { registerMetagraph } from './metagraph.ts'
import { registerMiner } from './miner.ts'
import { registerSubnet } from './subnet.ts'
import { registerValidator } from './validator.ts'
import { registerWallet } from './wallet.ts'
import { registerWeb } from './web.ts'

/** Adds every command to the program. */
export function registerCommands(program: Command): void {
  registerWallet(program)
  registerBench(program)
  registerChain(program)
  registerMetagraph(program)
  registerCheckpoint(program)
  registerClaim(program)
  registerDevnet(program)
  registerValidator(program)
  registerMiner(program)
  registerSubnet(program)
  registerWeb(program)
}
