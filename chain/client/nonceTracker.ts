import type { ApiPromise } from '@polkadot/api'

/** Hands out nonces per signer so back-to-back transactions never reuse one. */
export type NonceTracker = {
  /** The nonce for the next transaction of `address`. */
  next(address: string): Promise<number>
  /** Forgets what was handed out (after a rejected transaction), so the chain's view counts again. */
  reset(address: string): void
}

/**
 * Right after inclusion the node's next-nonce query can still read the old head (design §6), so
 * the nonce is the larger of the chain's answer and one past the last we handed out. Calls for one
 * signer are serialised so two concurrent submits get different nonces.
 */
export function createNonceTracker(api: ApiPromise): NonceTracker {
  const local = new Map<string, number>()
  const locks = new Map<string, Promise<unknown>>()
  return {
    next(address) {
      const prev = locks.get(address) ?? Promise.resolve()
      const result = prev.then(async () => {
        const chain = (await api.rpc.system.accountNextIndex(address)).toNumber()
        const n = Math.max(chain, local.get(address) ?? 0)
        local.set(address, n + 1)
        return n
      })
      locks.set(
        address,
        result.catch(() => undefined),
      )
      return result
    },
    reset(address) {
      local.delete(address)
    },
  }
}
