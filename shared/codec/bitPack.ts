import { InvalidEncodeInputError, NonZeroPaddingError, ShapeMismatchError } from './errors.ts'

/** Bytes that hold `count` fields of `width` bits. */
export function packedBytes(count: number, width: number): number {
  return Math.ceil((count * width) / 8)
}

/** Bits an offset inside a chunk of `chunk` values needs (12 for 4096, as Templar's 64×64 chunks). */
export function indexBits(chunk: number): number {
  return Math.max(1, Math.ceil(Math.log2(chunk)))
}

/**
 * Packs unsigned fields of `width` bits (1–24), least significant bit first, into bytes; the
 * padding bits of the last byte are zero. PROTOCOL: the delta file's index and value streams.
 */
export function packBits(fields: ArrayLike<number>, width: number): Uint8Array {
  const out = new Uint8Array(packedBytes(fields.length, width))
  const limit = 2 ** width
  let bit = 0
  for (let j = 0; j < fields.length; j++) {
    const v = fields[j]
    if (!(Number.isInteger(v) && v >= 0 && v < limit))
      throw new InvalidEncodeInputError(`field ${j} (${v}) does not fit ${width} bits`)
    for (let b = 0; b < width; b++, bit++) if ((v >>> b) & 1) out[bit >> 3] |= 1 << (bit & 7)
  }
  return out
}

/**
 * Reads `count` fields of `width` bits from `bytes`, strictly: the byte length must be exactly
 * what `count` fields need and the padding bits zero, so one set of fields has one encoding.
 */
export function unpackBits(bytes: Uint8Array, count: number, width: number, name: string): Uint32Array {
  const need = packedBytes(count, width)
  if (bytes.length !== need) throw new ShapeMismatchError(name, [bytes.length], [need])
  const out = new Uint32Array(count)
  let bit = 0
  for (let j = 0; j < count; j++) {
    let v = 0
    for (let b = 0; b < width; b++, bit++) v |= ((bytes[bit >> 3] >> (bit & 7)) & 1) << b
    out[j] = v >>> 0
  }
  for (; bit < need * 8; bit++) {
    if ((bytes[bit >> 3] >> (bit & 7)) & 1) throw new NonZeroPaddingError(name)
  }
  return out
}
