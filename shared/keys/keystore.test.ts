import { readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { testDir } from '../../test/helpers/testDir.ts'
import {
  InvalidKeystoreError,
  InvalidWalletNameError,
  WalletExistsError,
  WalletNotFoundError,
  WrongPasswordError,
} from '../errors/index.ts'
import { createWallet, listWallets, showWallet, unlockWallet } from './keystore.ts'

const fresh = () => testDir('ct-keys-')

describe('keystore', () => {
  test('default: create, list, show and unlock round-trip', async () => {
    const dir = fresh()
    const created = await createWallet({ dir, name: 'miner1', password: 'correct horse' })
    expect(created.mnemonic.split(' ')).toHaveLength(12)
    const pair = await unlockWallet(dir, 'miner1', 'correct horse')
    expect(pair.address).toBe(created.address)
    const msg = new TextEncoder().encode('hello')
    expect(pair.verify(msg, pair.sign(msg), pair.publicKey)).toBe(true)
    expect((await showWallet(dir, 'miner1')).address).toBe(created.address)
    expect((await listWallets(dir)).wallets.map((w) => w.name)).toEqual(['miner1'])
  })

  test('behavior: the file is encrypted at rest, owner-only, and holds no mnemonic', async () => {
    const dir = fresh()
    const created = await createWallet({ dir, name: 'v', password: 'pw' })
    const text = readFileSync(created.file, 'utf8')
    expect(JSON.parse(text).encoding.type).toEqual(['scrypt', 'xsalsa20-poly1305'])
    for (const word of created.mnemonic.split(' ')) expect(text).not.toContain(` ${word} `)
    expect(statSync(created.file).mode & 0o077).toBe(0)
  })

  test('behavior: the same mnemonic gives the same address', async () => {
    const dir = fresh()
    const a = await createWallet({ dir, name: 'a', password: 'x' })
    const b = await createWallet({ dir, name: 'b', password: 'y', mnemonic: a.mnemonic })
    expect(b.address).toBe(a.address)
  })

  test('error: a wrong password is a clear error', async () => {
    const dir = fresh()
    await createWallet({ dir, name: 'w', password: 'right' })
    await expect(unlockWallet(dir, 'w', 'wrong')).rejects.toThrow(WrongPasswordError)
    await expect(unlockWallet(dir, 'w', 'wrong')).rejects.toThrow('Wrong password for wallet "w"')
  })

  test('error: missing, duplicate, badly named and corrupt wallets', async () => {
    const dir = fresh()
    await expect(unlockWallet(dir, 'none', 'x')).rejects.toThrow(WalletNotFoundError)
    await createWallet({ dir, name: 'w', password: 'x' })
    await expect(createWallet({ dir, name: 'w', password: 'x' })).rejects.toThrow(WalletExistsError)
    await expect(createWallet({ dir, name: '../evil', password: 'x' })).rejects.toThrow(InvalidWalletNameError)
    writeFileSync(join(dir, 'broken.json'), '{"address":1}')
    const { wallets, invalid } = await listWallets(dir)
    expect(wallets.map((w) => w.name)).toEqual(['w'])
    expect(invalid[0].reason).toMatch(/not valid/)
  })

  test('error: a damaged keystore is reported as damaged, not as a wrong password', async () => {
    const dir = fresh()
    const w = await createWallet({ dir, name: 'w', password: 'right' })
    const json = JSON.parse(readFileSync(w.file, 'utf8'))
    writeFileSync(w.file, JSON.stringify({ ...json, encoded: json.encoded.slice(0, -12) }))
    await expect(unlockWallet(dir, 'w', 'right')).rejects.toThrow(InvalidKeystoreError)
    await expect(unlockWallet(dir, 'w', 'right')).rejects.toThrow(/encrypted key is damaged/)
    writeFileSync(w.file, JSON.stringify({ ...json, address: 'not-an-address' }))
    await expect(showWallet(dir, 'w')).rejects.toThrow(/not an SS58 address/)
  })

  test('error: a keystore whose address was edited is refused when unlocked, naming both addresses', async () => {
    const dir = fresh()
    const w = await createWallet({ dir, name: 'w', password: 'right' })
    const other = await createWallet({ dir, name: 'o', password: 'x' })
    const json = JSON.parse(readFileSync(w.file, 'utf8'))
    writeFileSync(w.file, JSON.stringify({ ...json, address: other.address }))
    const err = await unlockWallet(dir, 'w', 'right').catch((e) => e)
    expect(err).toBeInstanceOf(InvalidKeystoreError)
    expect(err.message).toContain(other.address)
    expect(err.message).toContain(w.address)
  })
})
