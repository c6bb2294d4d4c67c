import type { KeyringPair } from '@polkadot/keyring/types'
import type { ChainClient } from '../client/index.ts'

/** The inputs of `claim`. */
export type ClaimParameters = {
  signer: KeyringPair
  assetId: number
  /** The treasuries whose approvals to pull (one per subnet paying in this asset). */
  treasuries: readonly string[]
  signal?: AbortSignal
}

/** What was pulled, per treasury (zero when nothing was approved). */
export type ClaimReturnType = { total: bigint; claims: { treasury: string; amount: bigint; block?: number }[] }

/**
 * Pulls the signer's approved rewards with `assets.transferApproved` (design §5: rewards are
 * pulled). Needs a little native balance for the fee; the approval deposit is refunded to the
 * treasury.
 */
export async function claim(client: ChainClient, p: ClaimParameters): Promise<ClaimReturnType> {
  const { api } = client
  const claims: ClaimReturnType['claims'] = []
  let total = 0n
  for (const treasury of p.treasuries) {
    const approval = await api.query.assets.approvals(p.assetId, treasury, p.signer.address)
    const amount = approval.isSome ? approval.unwrap().amount.toBigInt() : 0n
    if (amount === 0n) {
      claims.push({ treasury, amount })
      continue
    }
    const tx = api.tx.assets.transferApproved(p.assetId, treasury, p.signer.address, amount)
    const res = await client.submit(tx, p.signer, { signal: p.signal })
    claims.push({ treasury, amount, block: res.blockNumber })
    total += amount
  }
  return { total, claims }
}
