import { blake2AsU8a } from '@polkadot/util-crypto'
import { BaseError } from './errors/index.ts'

/**
 * Deterministic randomness shared by every participant. Page assignment, eval pages, batch sampling
 * and initialisation all derive from these functions, so their outputs are PROTOCOL: the same seed
 * must give the same sequence on every machine and in every release. Change nothing here without
 * bumping the protocol version; the test vectors in random.test.ts pin the behaviour.
 */

/** One part of a seed: text, an integer, or raw bytes. */
export type SeedPart = string | number | bigint | Uint8Array

/** A seed a generator accepts. */
export type Seed = Uint8Array | string | number | bigint

/** A value given to a random function that it cannot use (a fraction where an integer is needed, …). */
export class InvalidRandomArgumentError extends BaseError {
  override name = 'InvalidRandomArgumentError'
  constructor(what: string, value: unknown, expected: string) {
    super('random.invalid-argument', `Invalid ${what}: ${String(value)}.`, { details: `Expected ${expected}.` })
  }
}

const TAG_STRING = 0x73 // 's'
const TAG_INT = 0x69 // 'i'
const TAG_BYTES = 0x62 // 'b'
const utf8 = new TextEncoder()

/**
 * The canonical encoding of seed parts: for each part, one tag byte, its payload length as a
 * 4-byte little-endian unsigned integer, then the payload:
 * - string → tag 0x73 ('s'), payload = UTF-8 bytes;
 * - integer (number or bigint; 5 and 5n are the same part) → tag 0x69 ('i'), payload = its
 *   shortest decimal form in ASCII, with a leading '-' when negative (e.g. "-12");
 * - Uint8Array → tag 0x62 ('b'), payload = the bytes.
 * Length prefixes make it unambiguous: ("ab","c") and ("a","bc") differ.
 */
export function encodeSeedParts(...parts: SeedPart[]): Uint8Array {
  const chunks: Uint8Array[] = []
  for (const part of parts) {
    let tag: number
    let payload: Uint8Array
    if (typeof part === 'string') {
      tag = TAG_STRING
      payload = utf8.encode(part)
    } else if (part instanceof Uint8Array) {
      tag = TAG_BYTES
      payload = part
    } else if (typeof part === 'bigint' || (typeof part === 'number' && Number.isSafeInteger(part))) {
      tag = TAG_INT
      payload = utf8.encode(BigInt(part).toString(10))
    } else {
      throw new InvalidRandomArgumentError('seed part', part, 'a string, a Uint8Array, a bigint or a safe integer')
    }
    const head = new Uint8Array(5)
    head[0] = tag
    new DataView(head.buffer).setUint32(1, payload.length, true)
    chunks.push(head, payload)
  }
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0))
  let at = 0
  for (const c of chunks) {
    out.set(c, at)
    at += c.length
  }
  return out
}

/** blake2b-256 of the canonical encoding of the parts (see encodeSeedParts): how everyone derives seeds. */
export function seedBytes(...parts: SeedPart[]): Uint8Array {
  return blake2AsU8a(encodeSeedParts(...parts), 256)
}

/** A seeded generator; every method advances the same stream. */
export type Rng = {
  /** A uniform float in [0, 1) with 32 bits of randomness. */
  next(): number
  /** A uniform unsigned 32-bit integer. */
  nextU32(): number
  /** A uniform integer in [0, n), without modulo bias; n an integer in [1, 2^32]. */
  int(n: number): number
  /** A standard normal sample (Box–Muller; uses two uniforms per call, no caching). */
  normal(): number
  /** Shuffles `arr` in place (Fisher–Yates, from the last index down) and returns it. */
  shuffle<T>(arr: T[]): T[]
}

const TWO_32 = 4294967296

/**
 * A generator seeded from anything: the state is the first 16 bytes of seedBytes(seed) (so a
 * Uint8Array seed is hashed too), read as four little-endian u32 words a, b, c, d of sfc32;
 * the first 16 outputs are discarded. sfc32 (Chris Doty-Humphrey) passes PractRand and needs
 * only 32-bit integer arithmetic, which JavaScript does exactly on every machine.
 */
export function createRng(seed: Seed): Rng {
  if (typeof seed === 'number' && !Number.isSafeInteger(seed)) {
    throw new InvalidRandomArgumentError('seed', seed, 'a safe integer, a bigint, a string or a Uint8Array')
  }
  const digest = seedBytes(seed)
  const view = new DataView(digest.buffer, digest.byteOffset, 16)
  let a = view.getUint32(0, true)
  let b = view.getUint32(4, true)
  let c = view.getUint32(8, true)
  let d = view.getUint32(12, true)

  const nextU32 = (): number => {
    const t = (((a + b) | 0) + d) | 0
    d = (d + 1) | 0
    a = b ^ (b >>> 9)
    b = (c + (c << 3)) | 0
    c = (c << 21) | (c >>> 11)
    c = (c + t) | 0
    return t >>> 0
  }
  for (let i = 0; i < 16; i++) nextU32()

  const next = (): number => nextU32() / TWO_32

  const int = (n: number): number => {
    if (!Number.isInteger(n) || n < 1 || n > TWO_32) {
      throw new InvalidRandomArgumentError('range', n, 'an integer in [1, 2^32]')
    }
    // Reject the top sliver of the u32 range that would make small results more likely.
    const limit = TWO_32 - (TWO_32 % n)
    for (;;) {
      const x = nextU32()
      if (x < limit) return x % n
    }
  }

  const normal = (): number => {
    const u1 = 1 - next() // (0, 1]: log never sees 0
    const u2 = next()
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2)
  }

  const shuffle = <T>(arr: T[]): T[] => {
    for (let i = arr.length - 1; i > 0; i--) {
      const j = int(i + 1)
      const tmp = arr[i]
      arr[i] = arr[j]
      arr[j] = tmp
    }
    return arr
  }

  return { next, nextU32, int, normal, shuffle }
}
