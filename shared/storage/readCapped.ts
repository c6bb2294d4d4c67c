import { ContentTooLargeError, InvalidContentError } from './errors.ts'
import type { ReadProgress } from './Storage.ts'

export type ReadCappedParameters = {
  cid: string
  maxBytes: number
  /** The size the content announces (UnixFS file size), when known before reading. */
  declared?: number | bigint
  onProgress?: (progress: ReadProgress) => void
}

/**
 * Collects a stream of chunks into one buffer, failing with `ContentTooLargeError` as soon as the announced
 * size or the bytes read pass `maxBytes`: nothing past the cap is ever held. When the size is announced, the
 * buffer is allocated once and a stream that disagrees with its announcement is `InvalidContentError`.
 */
export async function readCapped(chunks: AsyncIterable<Uint8Array>, params: ReadCappedParameters): Promise<Uint8Array> {
  const { cid, maxBytes, declared, onProgress } = params
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) throw new RangeError(`maxBytes must be a non-negative integer`)
  if (declared !== undefined && BigInt(declared) > BigInt(maxBytes))
    throw new ContentTooLargeError(cid, maxBytes, declared)
  const total = declared === undefined ? undefined : Number(declared)
  if (total !== undefined) return readExact(chunks, { cid, maxBytes, total, onProgress })
  const parts: Uint8Array[] = []
  let bytes = 0
  for await (const chunk of chunks) {
    bytes += chunk.byteLength
    if (bytes > maxBytes) throw new ContentTooLargeError(cid, maxBytes, bytes)
    parts.push(chunk)
    onProgress?.({ cid, bytes, total })
  }
  const out = new Uint8Array(bytes)
  let at = 0
  for (const part of parts) {
    out.set(part, at)
    at += part.byteLength
  }
  return out
}

async function readExact(
  chunks: AsyncIterable<Uint8Array>,
  p: { cid: string; maxBytes: number; total: number; onProgress?: (progress: ReadProgress) => void },
): Promise<Uint8Array> {
  const out = new Uint8Array(p.total)
  let bytes = 0
  for await (const chunk of chunks) {
    if (bytes + chunk.byteLength > p.total) {
      if (bytes + chunk.byteLength > p.maxBytes)
        throw new ContentTooLargeError(p.cid, p.maxBytes, bytes + chunk.byteLength)
      throw new InvalidContentError(p.cid, `it holds more bytes than the ${p.total} it announces`)
    }
    out.set(chunk, bytes)
    bytes += chunk.byteLength
    p.onProgress?.({ cid: p.cid, bytes, total: p.total })
  }
  if (bytes !== p.total) throw new InvalidContentError(p.cid, `it holds ${bytes} bytes but announces ${p.total}`)
  return out
}
