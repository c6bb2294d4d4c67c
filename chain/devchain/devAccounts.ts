import type { Blockchain } from '@acala-network/chopsticks-core'
import { Keyring } from '@polkadot/keyring'
import type { KeyringPair } from '@polkadot/keyring/types'
import { cryptoWaitReady } from '@polkadot/util-crypto'
import { SS58_PREFIX } from '../../shared/keys/index.ts'

/** The well-known dev accounts (`//Alice` ...), funded on every fresh dev chain. */
export const DEV_ACCOUNT_NAMES = ['Alice', 'Bob', 'Charlie', 'Dave', 'Eve', 'Ferdie'] as const

/** Native balance given to each funded account: 1,000,000 units at 12 decimals, plenty for deposits. */
export const DEV_FUNDS = 10n ** 18n

/** The sr25519 key pair of a dev URI such as `//Alice` (dev use only: the secret is public). */
export async function devKeypair(uri: string): Promise<KeyringPair> {
  await cryptoWaitReady()
  return new Keyring({ type: 'sr25519', ss58Format: SS58_PREFIX }).addFromUri(uri)
}

/** The SS58 addresses of Alice..Ferdie. */
export async function devAddresses(): Promise<string[]> {
  return Promise.all(DEV_ACCOUNT_NAMES.map(async (n) => (await devKeypair(`//${n}`)).address))
}

/**
 * Sets the native balance of `addresses` to `amount` and builds a block: storage set on the head
 * alone is not written to the db, so without the block it would be lost on restart (design §6).
 */
export async function fundAccounts(
  chain: Blockchain,
  addresses: readonly string[],
  amount = DEV_FUNDS,
  buildBlock: () => Promise<unknown> = () => chain.newBlock(),
): Promise<void> {
  if (addresses.length === 0) return
  // Imported late: Chopsticks reads LOG_LEVEL when first loaded (see startDevchain).
  const { setStorage } = await import('@acala-network/chopsticks-core')
  const meta = await chain.head.meta
  const entries = []
  for (const a of addresses) {
    // Keep the nonce and reference counts of an existing account: only the free balance changes.
    const prev = (await chain.head.read('AccountInfo', meta.query.system.account, a)) as unknown as
      | { toJSON(): { nonce: number; consumers: number; providers: number; sufficients: number; data?: object } }
      | undefined
    const p = prev?.toJSON() ?? { nonce: 0, consumers: 0, providers: 0, sufficients: 0 }
    const account = { ...p, providers: Math.max(1, p.providers), data: { ...p.data, free: amount.toString() } }
    entries.push([[a], account])
  }
  await setStorage(chain, { System: { Account: entries } })
  await buildBlock()
}
