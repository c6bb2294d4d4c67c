import { readFileSync, statSync } from 'node:fs'
import { expect, test } from 'vitest'
import { unlockWallet } from '../../shared/keys/index.ts'
import { testDir } from '../../test/helpers/testDir.ts'
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
