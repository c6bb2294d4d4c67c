import {
  chmodSync,
  existsSync,
  linkSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { Keyring } from '@polkadot/keyring'
import type { KeyringPair, KeyringPair$Json } from '@polkadot/keyring/types'
import { cryptoWaitReady, decodeAddress, mnemonicGenerate, mnemonicValidate } from '@polkadot/util-crypto'
import {
  InvalidKeystoreError,
  InvalidWalletNameError,
  WalletExistsError,
  WalletNotFoundError,
  WrongPasswordError,
} from '../errors/index.ts'

/** The SS58 prefix used for addresses we print (42: generic Substrate). */
export const SS58_PREFIX = 42

/** Where wallets live unless `--wallet-dir` says otherwise. */
export function defaultWalletDir(): string {
  return (
    process.env.CROWDTRAIN_WALLET_DIR ?? join(process.env.CROWDTRAIN_HOME ?? join(homedir(), '.crowdtrain'), 'wallets')
  )
}

/** What `wallet list|show` prints: public facts only. */
export type WalletInfo = { name: string; address: string; publicKey: string; type: 'sr25519'; file: string }

const NAME = /^[A-Za-z0-9_-]{1,64}$/

/**
 * Bytes of `encoded` in a v3 sr25519 keystore: scrypt salt 32 + N, p, r 12 + nonce 24 + the sealed
 * PKCS8 (header 16 + secret 64 + divider 5 + public key 32, plus the 16-byte MAC).
 */
const ENCODED_BYTES = 201

function fileOf(dir: string, name: string): string {
  if (!NAME.test(name)) throw new InvalidWalletNameError(name)
  return join(dir, `${name}.json`)
}

function keyring(): Keyring {
  return new Keyring({ type: 'sr25519', ss58Format: SS58_PREFIX })
}

/** Parses a keystore file strictly: a polkadot-js keyring JSON, encrypted with scrypt + xsalsa20-poly1305. */
function readKeystore(path: string): KeyringPair$Json {
  let json: unknown
  try {
    json = JSON.parse(readFileSync(path, 'utf8'))
  } catch (err) {
    throw new InvalidKeystoreError(path, `unreadable or not JSON (${(err as Error).message})`)
  }
  const j = json as Partial<KeyringPair$Json>
  if (typeof j !== 'object' || j === null) throw new InvalidKeystoreError(path, 'not an object')
  if (typeof j.address !== 'string' || typeof j.encoded !== 'string')
    throw new InvalidKeystoreError(path, 'missing address or encoded key')
  const enc = j.encoding
  if (!enc || !Array.isArray(enc.type) || !enc.type.includes('scrypt') || !enc.type.includes('xsalsa20-poly1305')) {
    throw new InvalidKeystoreError(path, 'not encrypted with scrypt + xsalsa20-poly1305')
  }
  if (!Array.isArray(enc.content) || enc.content[1] !== 'sr25519')
    throw new InvalidKeystoreError(path, 'not an sr25519 key')
  if (enc.version !== '3') throw new InvalidKeystoreError(path, `keystore version ${String(enc.version)}, not 3`)
  const sealed = Buffer.from(j.encoded, 'base64')
  if (sealed.length !== ENCODED_BYTES || sealed.toString('base64') !== j.encoded.replace(/\s/g, ''))
    throw new InvalidKeystoreError(
      path,
      `the encrypted key is damaged (${sealed.length} bytes, ${ENCODED_BYTES} expected)`,
    )
  try {
    decodeAddress(j.address)
  } catch {
    throw new InvalidKeystoreError(path, `the address "${j.address}" is not an SS58 address`)
  }
  return j as KeyringPair$Json
}

function info(name: string, file: string, json: KeyringPair$Json): WalletInfo {
  const pair = keyring().addFromJson(json)
  return {
    name,
    address: pair.address,
    publicKey: `0x${Buffer.from(pair.publicKey).toString('hex')}`,
    type: 'sr25519',
    file,
  }
}

export type CreateWalletParameters = { dir: string; name: string; password: string; mnemonic?: string }

/**
 * Creates an encrypted sr25519 keystore. Returns the public facts and the mnemonic, which the caller
 * shows once to the user and never logs.
 */
export async function createWallet(params: CreateWalletParameters): Promise<WalletInfo & { mnemonic: string }> {
  await cryptoWaitReady()
  const file = fileOf(params.dir, params.name)
  if (existsSync(file)) throw new WalletExistsError(params.name)
  const mnemonic = params.mnemonic ?? mnemonicGenerate(12)
  if (!mnemonicValidate(mnemonic))
    throw new InvalidKeystoreError('(mnemonic)', 'the mnemonic is not a valid BIP-39 phrase')
  const pair = keyring().addFromUri(mnemonic, { name: params.name }, 'sr25519')
  const json = pair.toJson(params.password)
  mkdirSync(params.dir, { recursive: true, mode: 0o700 })
  const tmp = `${file}.tmp-${process.pid}-${Date.now()}`
  writeFileSync(tmp, JSON.stringify(json, null, 2), { mode: 0o600, flag: 'wx' })
  // A hard link never replaces an existing file: of two concurrent creates, exactly one gets the name.
  try {
    linkSync(tmp, file)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new WalletExistsError(params.name)
    throw err
  } finally {
    unlinkSync(tmp)
  }
  chmodSync(file, 0o600)
  return { ...info(params.name, file, json), mnemonic }
}

/** Lists the wallets in a folder (public facts only); unreadable files are reported, not fatal. */
export async function listWallets(
  dir: string,
): Promise<{ wallets: WalletInfo[]; invalid: { file: string; reason: string }[] }> {
  await cryptoWaitReady()
  if (!existsSync(dir)) return { wallets: [], invalid: [] }
  const wallets: WalletInfo[] = []
  const invalid: { file: string; reason: string }[] = []
  for (const entry of readdirSync(dir).sort()) {
    if (!entry.endsWith('.json')) continue
    const file = join(dir, entry)
    try {
      wallets.push(info(entry.slice(0, -5), file, readKeystore(file)))
    } catch (err) {
      invalid.push({ file, reason: (err as Error).message })
    }
  }
  return { wallets, invalid }
}

/** The public facts of one wallet, without asking for its password. */
export async function showWallet(dir: string, name: string): Promise<WalletInfo> {
  await cryptoWaitReady()
  const file = fileOf(dir, name)
  if (!existsSync(file)) throw new WalletNotFoundError(name, dir)
  return info(name, file, readKeystore(file))
}

/** Decrypts a wallet into a signing pair; a wrong password is a `WrongPasswordError`. */
export async function unlockWallet(dir: string, name: string, password: string): Promise<KeyringPair> {
  await cryptoWaitReady()
  const file = fileOf(dir, name)
  if (!existsSync(file)) throw new WalletNotFoundError(name, dir)
  const json = readKeystore(file)
  const pair = keyring().addFromJson(json)
  try {
    pair.decodePkcs8(password)
  } catch {
    throw new WrongPasswordError(name)
  }
  // The key signs as the public key inside the sealed PKCS8; the file's plain `address` must be it.
  if (Buffer.compare(Buffer.from(pair.publicKey), Buffer.from(decodeAddress(json.address))) !== 0)
    throw new InvalidKeystoreError(
      file,
      `its address ${json.address} is not the address of the key it holds (${pair.address}): the file was edited`,
    )
  return pair
}
