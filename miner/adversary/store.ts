import type { MinerContext } from '../minerContext.ts'
import type { RoundDelta } from './types.ts'

/** Adds and pins bytes the adversary made, like an honest delta file. */
export async function storeBytes(ctx: MinerContext, bytes: Uint8Array): Promise<RoundDelta> {
  const cid = (await ctx.storage.add(bytes, { signal: ctx.signal })).toString()
  await ctx.storage.pin(cid, { signal: ctx.signal })
  return { cid, bytes: bytes.length }
}

/** Fetches someone else's delta and pins it here, so that this miner's state can unpin it like its own later. */
export async function pinForeign(ctx: MinerContext, cid: string, maxBytes: number): Promise<RoundDelta> {
  const bytes = await ctx.storage.get(cid, { maxBytes, timeoutMs: 60_000, signal: ctx.signal })
  return storeBytes(ctx, bytes)
}
