import type { Command } from 'commander'
import { registerBench } from './bench.ts'
import { registerChain } from './chain.ts'
import { registerClaim } from './claim.ts'
import { registerMetagraph } from './metagraph.ts'
import { registerSubnet } from './subnet.ts'
import { registerWallet } from './wallet.ts'

/** Adds every command to the program. */
export function registerCommands(program: Command): void {
  registerWallet(program)
  registerBench(program)
  registerChain(program)
  registerMetagraph(program)
  registerClaim(program)
  registerSubnet(program)
}
