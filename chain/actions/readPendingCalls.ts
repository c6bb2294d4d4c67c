import type { AnyTuple, CallBase, Codec } from '@polkadot/types/types'
import { encodeAddress } from '@polkadot/util-crypto'
import { SS58_PREFIX } from '../../shared/keys/index.ts'
import type { ChainClient, Timepoint } from '../client/index.ts'

/** The inputs of `readPendingCalls`. */
export type ReadPendingCallsParameters = {
  multisig: string
  /** Also fetch each proposed call from the extrinsic that opened it (one block read each). */
  withCalls?: boolean
}

/** One open multisig operation. */
export type PendingCall = {
  callHash: string
  timepoint: Timepoint
  depositor: string
  approvals: string[]
  /** The proposed call, read from the opening `asMulti` extrinsic; undefined if not found there. */
  call?: CallBase<AnyTuple>
}

/** The open operations of a multisig (approvals so far, and optionally the calls themselves). */
export async function readPendingCalls(client: ChainClient, p: ReadPendingCallsParameters): Promise<PendingCall[]> {
  const { api } = client
  const entries = await api.query.multisig.multisigs.entries(p.multisig)
  const out: PendingCall[] = []
  for (const [key, value] of entries) {
    if (value.isNone) continue
    const op = value.unwrap()
    const pending: PendingCall = {
      callHash: key.args[1].toHex(),
      timepoint: { height: op.when.height.toNumber(), index: op.when.index.toNumber() },
      depositor: encodeAddress(op.depositor, SS58_PREFIX),
      approvals: op.approvals.map((a) => encodeAddress(a, SS58_PREFIX)),
    }
    if (p.withCalls) pending.call = await proposedCall(client, pending)
    out.push(pending)
  }
  return out.sort((a, b) => a.timepoint.height - b.timepoint.height || a.timepoint.index - b.timepoint.index)
}

/**
 * The call as the proposer sent it: `storeCall` is false (and gone on current runtimes), so the
 * call lives only in the opening extrinsic's arguments, found at the operation's timepoint.
 */
async function proposedCall(client: ChainClient, p: PendingCall): Promise<CallBase<AnyTuple> | undefined> {
  const { api } = client
  const hash = await api.rpc.chain.getBlockHash(p.timepoint.height)
  const block = await api.rpc.chain.getBlock(hash)
  const ext = block.block.extrinsics[p.timepoint.index]
  return ext ? asMultiCall(api, ext, (call) => call.hash.toHex() === p.callHash) : undefined
}

/**
 * The call inside a `multisig.asMulti` (or `asMultiThreshold1`) extrinsic that `accept` takes (its hash, or what it does),
 * plain or, on old runtimes, wrapped in WrapperKeepOpaque (length-prefixed bytes); undefined for
 * another extrinsic.
 */
export function asMultiCall(
  api: ChainClient['api'],
  ext: { method: CallBase<AnyTuple> },
  accept: (call: CallBase<AnyTuple>) => boolean,
): CallBase<AnyTuple> | undefined {
  if (ext.method.section !== 'multisig' || !['asMulti', 'asMultiThreshold1'].includes(ext.method.method))
    return undefined
  const idx = ext.method.meta.args.findIndex((a) => a.name.toString() === 'call')
  const arg = ext.method.args[idx] as Codec | undefined
  if (!arg) return undefined
  if ('section' in arg && accepts(accept, arg as unknown as CallBase<AnyTuple>))
    return arg as unknown as CallBase<AnyTuple>
  for (const raw of [arg.toU8a(), arg.toU8a(true)]) {
    for (const bytes of [raw, raw.subarray(lenPrefix(raw))]) {
      try {
        const call = api.createType('Call', bytes) as unknown as CallBase<AnyTuple>
        if (accepts(accept, call)) return call
      } catch {
        // not this framing
      }
    }
  }
  return undefined
}

function accepts(accept: (call: CallBase<AnyTuple>) => boolean, call: CallBase<AnyTuple>): boolean {
  try {
    return accept(call)
  } catch {
    return false
  }
}

/** Bytes taken by a SCALE compact length prefix. */
function lenPrefix(u8a: Uint8Array): number {
  const mode = u8a[0] & 0b11
  return mode === 0 ? 1 : mode === 1 ? 2 : mode === 2 ? 4 : (u8a[0] >> 2) + 5
}
