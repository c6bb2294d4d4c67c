import type { Command } from 'commander'
import { registerBench } from './bench.ts'
import { registerWallet } from './wallet.ts'

/** Adds every command to the program. */
export function registerCommands(program: Command): void {
  registerWallet(program)
  registerBench(program)
}
