import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys'
import type { PrivateKey } from '@libp2p/interface'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { StorageUnavailableError } from './errors.ts'

/**
 * The node's libp2p key from `file`, created (Ed25519, mode 0600) on first use, so the peer id a node
 * registered on chain stays the same across restarts.
 */
export async function loadOrCreateIdentity(file: string): Promise<PrivateKey> {
  let bytes: Uint8Array | undefined
  try {
    bytes = await readFile(file)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new StorageUnavailableError('helia', `cannot read the node identity ${file}`, err)
    }
  }
  if (bytes !== undefined) {
    try {
      return privateKeyFromProtobuf(bytes)
    } catch (err) {
      throw new StorageUnavailableError(
        'helia',
        `the node identity ${file} is corrupt (delete it to make a new one)`,
        err,
      )
    }
  }
  const key = await generateKeyPair('Ed25519')
  await mkdir(dirname(file), { recursive: true })
  await writeFile(file, privateKeyToProtobuf(key), { mode: 0o600 })
  await chmod(file, 0o600)
  return key
}

/** The peer id a node with its identity in `file` has (the identity is created when missing). */
export async function identityPeerId(file: string): Promise<string> {
  return peerIdFromPrivateKey(await loadOrCreateIdentity(file)).toString()
}
