import { readFile } from 'node:fs/promises'
import { decodeSafetensors } from '../../shared/codec/index.ts'
import { writeAtomic } from '../stateStore.ts'

// A delta of a CPU-sized shard is far below this; the file is the operator's own, but still read with a cap.
const MAX_SHARE_BYTES = 256 * 1024 * 1024

/** The sybil leader shares its delta file for the round with its twin (one operator, one folder). */
export async function shareDelta(file: string, bytes: Uint8Array): Promise<void> {
  await writeAtomic(file, bytes)
}

/** The shared delta file and its shard when it is the one of `round`, else undefined (not written yet, or an older round). */
export async function readSharedDelta(
  file: string,
  round: number,
): Promise<{ bytes: Uint8Array; shard: number } | undefined> {
  let bytes: Uint8Array
  try {
    bytes = new Uint8Array(await readFile(file))
  } catch {
    return undefined
  }
  if (bytes.length > MAX_SHARE_BYTES) return undefined
  try {
    const { metadata } = decodeSafetensors(bytes, { maxBytes: MAX_SHARE_BYTES })
    const shard = Number(metadata.shard)
    if (metadata.round !== String(round) || !Number.isSafeInteger(shard) || shard < 0) return undefined
    return { bytes, shard }
  } catch {
    return undefined
  }
}
