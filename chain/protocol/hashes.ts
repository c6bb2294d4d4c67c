import { u8aConcat, u8aToHex } from '@polkadot/util'
import { blake2AsU8a, decodeAddress } from '@polkadot/util-crypto'
import { CID } from 'multiformats/cid'
import { InvalidHashInputError } from './errors.ts'
import type { WeightEntry } from './records.ts'

/** A 32-byte value as `0x` + 64 lowercase hex digits (the form records carry). */
export type Hex32 = `0x${string}`

/**
 * The miner's delta commit (protocol, do not change):
 *   blake2-256( pubkey(hotkey) ‖ u32le(netuid) ‖ u32le(round) ‖ binary CID )
 * pubkey is the 32-byte public key behind the SS58 address (so the address's network prefix does
 * not matter); the binary CID is the last field, so no length prefix is needed. Binding the hotkey
 * makes a copied commit useless: the copier cannot reveal a CID that hashes to it under its own key.
 */
export function deltaCommitHash(hotkey: string, netuid: number, round: number, cid: string): Hex32 {
  return hash(u8aConcat(publicKey(hotkey), u32le('netuid', netuid), u32le('round', round), cidBytes(cid)))
}

/** The inputs of a validator's weights commit. */
export type WeightsCommitInput = {
  hotkey: string
  netuid: number
  round: number
  weights: readonly WeightEntry[]
  salt: string
  evalSeed: string
}

/**
 * The validator's weights commit (protocol, do not change):
 *   blake2-256( pubkey(hotkey) ‖ u32le(netuid) ‖ u32le(round) ‖ u32le(count)
 *               ‖ count × (u16le(uid) ‖ u16le(weight)) ‖ salt (32 bytes) ‖ evalSeed (32 bytes) )
 * Every field has a fixed width or a count prefix, so two different inputs never share bytes.
 * Weights are hashed in the order given; the record schema requires strictly ascending uids.
 */
export function weightsCommitHash(input: WeightsCommitInput): Hex32 {
  const pairs = new Uint8Array(input.weights.length * 4)
  const view = new DataView(pairs.buffer)
  input.weights.forEach(([uid, weight], i) => {
    view.setUint16(i * 4, u16('uid', uid), true)
    view.setUint16(i * 4 + 2, u16('weight', weight), true)
  })
  return hash(
    u8aConcat(
      publicKey(input.hotkey),
      u32le('netuid', input.netuid),
      u32le('round', input.round),
      u32le('weights count', input.weights.length),
      pairs,
      bytes32('salt', input.salt),
      bytes32('evalSeed', input.evalSeed),
    ),
  )
}

function hash(bytes: Uint8Array): Hex32 {
  return u8aToHex(blake2AsU8a(bytes, 256)) as Hex32
}

function publicKey(hotkey: string): Uint8Array {
  try {
    const key = decodeAddress(hotkey)
    if (key.length === 32) return key
  } catch (err) {
    throw new InvalidHashInputError('hotkey', (err as Error).message)
  }
  throw new InvalidHashInputError('hotkey', 'expected the SS58 address of a 32-byte public key')
}

function cidBytes(cid: string): Uint8Array {
  try {
    return CID.parse(cid).bytes
  } catch (err) {
    throw new InvalidHashInputError('cid', (err as Error).message)
  }
}

function u32le(field: string, n: number): Uint8Array {
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new InvalidHashInputError(field, 'expected a u32')
  const out = new Uint8Array(4)
  new DataView(out.buffer).setUint32(0, n, true)
  return out
}

function u16(field: string, n: number): number {
  if (!Number.isInteger(n) || n < 0 || n > 0xffff) throw new InvalidHashInputError(field, 'expected a u16')
  return n
}

function bytes32(field: string, hex: string): Uint8Array {
  if (!/^0x[0-9a-f]{64}$/.test(hex)) throw new InvalidHashInputError(field, 'expected 0x + 64 lowercase hex digits')
  return Uint8Array.from(Buffer.from(hex.slice(2), 'hex'))
}
