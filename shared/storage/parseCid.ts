import { CID } from 'multiformats/cid'
import { InvalidCidError } from './errors.ts'

/** A CID from a CID or a string; throws `InvalidCidError` for anything else. */
export function parseCid(input: CID | string): CID {
  if (typeof input !== 'string') {
    const cid = CID.asCID(input)
    if (cid == null) throw new InvalidCidError(String(input))
    return cid
  }
  const text = input.trim().replace(/^\/ipfs\//, '')
  if (text.length === 0 || text.length > 200) throw new InvalidCidError(input)
  try {
    return CID.parse(text)
  } catch (err) {
    throw new InvalidCidError(input, err)
  }
}
