import { randomBytes } from 'node:crypto'
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createWallet } from '../../shared/keys/index.ts'
import { DevnetInterruptedError } from './errors.ts'

/** The inputs of `setupWallets`. */
export type SetupWalletsParameters = {
  /** The devnet folder; wallets go to `<dir>/wallets`. */
  dir: string
  /** Wallet names, e.g. `miner-0`. */
  names: readonly string[]
  /** Ctrl-C: stops between two wallets with `DevnetInterruptedError`. */
  signal?: AbortSignal
}

/** Where the wallets are and their addresses by name. */
export type SetupWalletsReturnType = {
  walletDir: string
  passwordFile: string
  addresses: Map<string, string>
}

/**
 * Creates one encrypted wallet per participant, all under one random password kept in
 * `<dir>/wallets/.password` (mode 0600): children unlock their own key from it, as a user would
 * with `--password-file`. Mnemonics are dropped: devnet keys are throwaway.
 */
export async function setupWallets(p: SetupWalletsParameters): Promise<SetupWalletsReturnType> {
  const walletDir = join(p.dir, 'wallets')
  mkdirSync(walletDir, { recursive: true, mode: 0o700 })
  const passwordFile = join(walletDir, '.password')
  const password = randomBytes(24).toString('base64url')
  writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 })
  chmodSync(passwordFile, 0o600)
  const addresses = new Map<string, string>()
  for (const name of p.names) {
    if (p.signal?.aborted) throw new DevnetInterruptedError()
    const w = await createWallet({ dir: walletDir, name, password })
    addresses.set(name, w.address)
    // scrypt runs synchronously: let the in-process chain answer its connections between two wallets,
    // or a devnet with many participants loses its RPC connection on a busy machine.
    await new Promise((resolve) => setImmediate(resolve))
  }
  return { walletDir, passwordFile, addresses }
}
