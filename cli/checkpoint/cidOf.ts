import { type AddInput, createMemoryStorage } from '../../shared/storage/index.ts'

/**
 * The CID `input` has under the one UnixFS import profile (what every node's `add` gives), computed in
 * memory: a local file or directory can then be compared with a CID on chain.
 */
export async function cidOf(input: AddInput): Promise<string> {
  const memory = createMemoryStorage()
  try {
    return (await memory.add(input)).toString()
  } finally {
    await memory.stop()
  }
}
