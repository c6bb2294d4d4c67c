import { Keyring } from '@polkadot/keyring'
import type { KeyringPair, KeyringPair$Json } from '@polkadot/keyring/types'
import { cryptoWaitReady, decodeAddress, mnemonicGenerate, mnemonicValidate } from '@polkadot/util-crypto'

/** Where the tab keeps its key: polkadot-js keyring JSON, encrypted with the user's password (scrypt + xsalsa20-poly1305). */
const STORAGE_KEY = 'crowdtrain:hotkey'
const SS58 = 42

function keyring(): Keyring {
  return new Keyring({ type: 'sr25519', ss58Format: SS58 })
}

/** The stored keystore, checked before use; undefined when there is none or it is not one. */
export function storedKeystore(): KeyringPair$Json | undefined {
  const text = localStorage.getItem(STORAGE_KEY)
  return text === null ? undefined : parseKeystore(text)
}

/** A polkadot-js keystore JSON (sr25519, scrypt-encrypted), checked field by field; undefined when it is not one. */
export function parseKeystore(text: string): KeyringPair$Json | undefined {
  if (text.length > 4096) return undefined
  try {
    const j = JSON.parse(text) as KeyringPair$Json
    const ok =
      typeof j.address === 'string' &&
      decodeAddress(j.address).length === 32 &&
      typeof j.encoded === 'string' &&
      Array.isArray(j.encoding?.content) &&
      j.encoding.content.includes('sr25519') &&
      Array.isArray(j.encoding.type) &&
      j.encoding.type.includes('scrypt')
    return ok ? j : undefined
  } catch {
    return undefined
  }
}

/** A new key (or the one of `mnemonic`), stored encrypted with `password`; returns the unlocked pair. */
export async function createKey(password: string, mnemonic?: string): Promise<{ pair: KeyringPair; mnemonic: string }> {
  if (password.length < 8) throw new Error('choose a password of at least 8 characters')
  await cryptoWaitReady()
  const phrase = mnemonic?.trim() ?? mnemonicGenerate()
  if (!mnemonicValidate(phrase)) throw new Error('that is not a valid 12- or 24-word mnemonic')
  const pair = keyring().addFromMnemonic(phrase)
  localStorage.setItem(STORAGE_KEY, JSON.stringify(pair.toJson(password)))
  return { pair, mnemonic: phrase }
}

/**
 * Stores a key given as a mnemonic or as a polkadot-js keystore JSON (`crowdtrain wallet` files),
 * encrypted with `password` (the keystore's own password), and returns it unlocked.
 */
export async function importKey(secret: string, password: string): Promise<KeyringPair> {
  const text = secret.trim()
  if (!text.startsWith('{')) return (await createKey(password, text)).pair
  const json = parseKeystore(text)
  if (!json) throw new Error('that is not an sr25519 keystore JSON encrypted with scrypt')
  await cryptoWaitReady()
  const pair = keyring().addFromJson(json)
  try {
    pair.decodePkcs8(password)
  } catch {
    throw new Error('wrong password for that keystore')
  }
  localStorage.setItem(STORAGE_KEY, JSON.stringify(json))
  return pair
}

/** The stored key, unlocked with `password`; throws with a reason a person can read. */
export async function unlockKey(password: string): Promise<KeyringPair> {
  await cryptoWaitReady()
  const json = storedKeystore()
  if (!json) throw new Error('this browser holds no key yet: create or import one')
  const pair = keyring().addFromJson(json)
  try {
    pair.decodePkcs8(password)
  } catch {
    throw new Error('wrong password for the stored key')
  }
  return pair
}
