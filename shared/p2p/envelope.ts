import type { KeyringPair } from '@polkadot/keyring/types'
import { u8aToHex } from '@polkadot/util'
import { decodeAddress, signatureVerify } from '@polkadot/util-crypto'
import { z } from 'zod'
import { canonicalJson } from './canonicalJson.ts'

/** Version of the envelope format; a message of another version is rejected. */
export const ENVELOPE_VERSION = 1

/** Signed bytes start with this, so a gossip signature can never pass for a signature of anything else. */
const SIGNING_DOMAIN = 'crowdtrain-gossip-v1:'

const envelopeSchema = z
  .object({
    v: z.literal(ENVELOPE_VERSION),
    type: z.string().regex(/^[a-z][a-z0-9-]{0,39}$/, 'lowercase words joined by "-"'),
    netuid: z.number().int().min(0).max(65535),
    round: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
    expiresAt: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
    hotkey: z.string().min(40).max(64),
    body: z.unknown(),
  })
  .strict()

const wireSchema = z
  .object({ envelope: envelopeSchema, signature: z.string().regex(/^0x[0-9a-f]{128}$/, '64 bytes as 0x-hex') })
  .strict()

/** What a message says: who (hotkey) says what (type, body) about which subnet and round, until when. */
export type Envelope = z.infer<typeof envelopeSchema>

/** The result of checking bytes from the wire; `reason` says why anything was not accepted. */
export type CheckResult =
  | { ok: true; envelope: Envelope; signature: string }
  | { ok: false; verdict: 'reject' | 'ignore'; reason: string }

/** The bytes a hotkey signs for an envelope. */
export function signingBytes(envelope: Envelope): Uint8Array {
  return new TextEncoder().encode(SIGNING_DOMAIN + canonicalJson(envelope))
}

/** Signs an envelope with the sender's sr25519 hotkey and encodes it for the wire. */
export function encodeSigned(envelope: Envelope, signer: KeyringPair): Uint8Array {
  const signature = u8aToHex(signer.sign(signingBytes(envelope)))
  return new TextEncoder().encode(canonicalJson({ envelope, signature }))
}

/**
 * Checks bytes from the wire: size, JSON, strict schema, hotkey form, sr25519 signature by that hotkey.
 * Any failure is `reject` (the sender broke the protocol); time and membership are checked by the caller.
 */
export function checkWire(data: Uint8Array, maxBytes: number): CheckResult {
  if (data.byteLength > maxBytes) return reject(`message of ${data.byteLength} bytes exceeds ${maxBytes}`)
  let json: unknown
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(data))
  } catch {
    return reject('not UTF-8 JSON')
  }
  const parsed = wireSchema.safeParse(json)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    return reject(`schema: ${issue?.path.join('.') || '(root)'}: ${issue?.message}`)
  }
  const { envelope, signature } = parsed.data
  try {
    decodeAddress(envelope.hotkey)
  } catch {
    return reject('hotkey is not an ss58 address')
  }
  let bytes: Uint8Array
  try {
    bytes = signingBytes(envelope)
  } catch {
    return reject('body is not plain JSON')
  }
  const verified = signatureVerify(bytes, signature, envelope.hotkey)
  if (!verified.isValid || verified.crypto !== 'sr25519')
    return reject('signature is not an sr25519 signature by the hotkey')
  return { ok: true, envelope, signature }
}

function reject(reason: string): CheckResult {
  return { ok: false, verdict: 'reject', reason }
}
