import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { expect, test } from 'vitest'
import { unlockWallet } from '../../shared/keys/index.ts'
import { testDir } from '../../test/helpers/testDir.ts'
import { DevnetInterruptedError } from './errors.ts'
import { setupWallets } from './setupWallets.ts'

test('default: a wallet per name, unlocked by the password file, which only the owner reads', async () => {
  const dir = testDir('devnet-wallets-')
  const w = await setupWallets({ dir, names: ['miner-0'] })
  expect(statSync(w.passwordFile).mode & 0o777).toBe(0o600)
  const password = readFileSync(w.passwordFile, 'utf8').trim()
  expect(password.length).toBeGreaterThanOrEqual(24)
  for (const name of ['miner-0']) {
    const pair = await unlockWallet(w.walletDir, name, password)
    expect(pair.address).toBe(w.addresses.get(name))
  }
})

test('behavior: Ctrl-C during the set-up stops it between two wallets', async () => {
  const dir = testDir('devnet-wallets-')
  const stop = new AbortController()
  let made = 0
  const names = Array.from({ length: 50 }, (_, i) => `miner-${i}`)
  // Abort once the first wallet exists (the set-up yields between wallets, as a signal handler needs).
  const watch = setInterval(() => {
    try {
      made = readdirSync(join(dir, 'wallets')).filter((f) => f.endsWith('.json')).length
    } catch {}
    if (made > 0) stop.abort()
  }, 5)
  await expect(setupWallets({ dir, names, signal: stop.signal })).rejects.toThrow(DevnetInterruptedError)
  clearInterval(watch)
  expect(readdirSync(join(dir, 'wallets')).filter((f) => f.endsWith('.json')).length).toBeLessThan(names.length)
})
