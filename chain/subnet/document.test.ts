import { encodeAddress } from '@polkadot/util-crypto'
import { describe, expect, test } from 'vitest'
import { presetConfig } from '../../shared/config/index.ts'
import { InvalidDocumentError } from '../ledger/index.ts'
import { encodeSubnetDocument, parseSubnetDocument, type SubnetDocument } from './document.ts'

const address = (i: number) => encodeAddress(new Uint8Array(32).fill(i + 1), 42)
const doc: SubnetDocument = {
  v: 1,
  netuid: 3,
  name: 'subnet-3',
  config: presetConfig('tiny'),
  genesisBlock: 10,
  genesisCheckpoint: 'bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi',
  validators: [
    { hotkey: address(0), stakeAccount: address(10) },
    { hotkey: address(1), stakeAccount: address(11) },
  ],
  threshold: 2,
  treasury: address(20),
  assetId: 3,
  registrationFee: '0',
  owner: address(21),
}
const bytes = (v: unknown) => new TextEncoder().encode(JSON.stringify(v))

describe('subnet document', () => {
  test('default', () => {
    const encoded = encodeSubnetDocument(doc)
    expect(parseSubnetDocument(encoded)).toEqual(doc)
    // Canonical: key order of the input does not change the bytes.
    const reordered = Object.fromEntries(Object.entries(doc).reverse()) as SubnetDocument
    expect(Buffer.compare(encodeSubnetDocument(reordered), encoded)).toBe(0)
  })

  test('error: unknown keys, a partial config, a threshold above n, a shared stake account', () => {
    const bad = [
      { ...doc, extra: true },
      { ...doc, config: { model: doc.config.model } },
      { ...doc, threshold: 3 },
      { ...doc, validators: [doc.validators[0], { ...doc.validators[1], stakeAccount: address(10) }] },
      { ...doc, registrationFee: 5 },
    ]
    for (const b of bad) expect(() => parseSubnetDocument(bytes(b))).toThrow(InvalidDocumentError)
  })
})
