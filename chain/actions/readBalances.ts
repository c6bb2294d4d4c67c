import type { ChainClient } from '../client/index.ts'

/** The inputs of `readBalances`. */
export type ReadBalancesParameters = {
  addresses: readonly string[]
  /** Also read this asset's balances and, with `treasury`, the outstanding approvals. */
  assetId?: number
  treasury?: string
}

/** Balances per address (planck / the asset's smallest unit). */
export type ReadBalancesReturnType = Map<string, { native: bigint; asset: bigint; approved: bigint }>

/** Native and asset balances and approvals not yet claimed, for each address. */
export async function readBalances(client: ChainClient, p: ReadBalancesParameters): Promise<ReadBalancesReturnType> {
  const { api } = client
  const out: ReadBalancesReturnType = new Map()
  for (const address of p.addresses) {
    const native = (await api.query.system.account(address)).data.free.toBigInt()
    let asset = 0n
    let approved = 0n
    if (p.assetId !== undefined) {
      const acct = await api.query.assets.account(p.assetId, address)
      // The storage value is an Option on current runtimes and a plain struct on this one.
      const a = acct as unknown as {
        isSome?: boolean
        unwrap?: () => { balance: { toBigInt(): bigint } }
        balance?: { toBigInt(): bigint }
      }
      asset =
        a.isSome !== undefined
          ? a.isSome
            ? (a.unwrap?.().balance.toBigInt() ?? 0n)
            : 0n
          : (a.balance?.toBigInt() ?? 0n)
      if (p.treasury) {
        const ap = await api.query.assets.approvals(p.assetId, p.treasury, address)
        approved = ap.isSome ? ap.unwrap().amount.toBigInt() : 0n
      }
    }
    out.set(address, { native, asset, approved })
  }
  return out
}
