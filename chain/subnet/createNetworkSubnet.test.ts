import type { KeyringPair } from '@polkadot/keyring/types'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { initBackend } from '../../shared/backend/index.ts'
import { loadCheckpoint } from '../../shared/checkpoint/index.ts'
import { presetConfig } from '../../shared/config/index.ts'
import { silentLogger } from '../../shared/logger/index.ts'
import { createMemoryStorage } from '../../shared/storage/index.ts'
import { loadTask } from '../../shared/tasks/index.ts'
import { readSubnet } from '../actions/index.ts'
import { type ChainClient, connect } from '../client/index.ts'
import { type Devchain, devKeypair, startDevchain } from '../devchain/index.ts'
import { SubnetExistsError } from '../errors.ts'
import { createNetworkSubnet } from './createNetworkSubnet.ts'
import { encodeSubnetDocument, parseSubnetDocument } from './document.ts'
import { InvalidSubnetParametersError } from './errors.ts'
import { loadSubnet } from './loadSubnet.ts'

const config = presetConfig('tiny')
let devchain: Devchain
let client: ChainClient
let owner: KeyringPair
let validators: { hotkey: string; stakeAccount: string }[]

beforeAll(async () => {
  devchain = await startDevchain({ logger: silentLogger })
  client = await connect({ url: devchain.url, logger: silentLogger })
  owner = await devKeypair('//Alice')
  const keys = await Promise.all(['//Bob', '//Charlie', '//Bob//stake', '//Charlie//stake'].map(devKeypair))
  validators = [
    { hotkey: keys[0].address, stakeAccount: keys[2].address },
    { hotkey: keys[1].address, stakeAccount: keys[3].address },
  ]
}, 60_000)

afterAll(async () => {
  await client?.disconnect()
  await devchain?.stop()
})

describe('createNetworkSubnet', () => {
  test('default', async () => {
    const storage = createMemoryStorage()
    const backend = await initBackend('wasm', silentLogger)
    const created = await createNetworkSubnet({
      client,
      storage,
      owner,
      validators,
      threshold: 2,
      config,
      netuid: 11,
      logger: silentLogger,
      registrationFee: 10n ** 10n,
      backend,
    })
    // The chain points at the document, and the document names the treasury the chain created.
    const onChain = await readSubnet(client, { netuid: 11 })
    expect(onChain.documentCid).toBe(created.documentCid)
    expect(onChain.treasury).toBe(created.treasury)
    expect(onChain.controllers).toEqual([created.multisig])

    const subnet = await loadSubnet(client, storage, 11)
    expect(subnet.document).toEqual(created.document)
    expect(subnet.treasury).toBe(created.treasury)
    expect(subnet.assetId).toBe(11)
    expect(subnet.document.registrationFee).toBe('10000000000')
    expect(subnet.document.owner).toBe(owner.address)
    expect(subnet.config).toEqual(config)
    expect(subnet.schedule.forRound(0).firstBlock).toBe(created.genesisBlock)
    expect(created.genesisBlock).toBeGreaterThanOrEqual(devchain.head())

    const genesis = await loadCheckpoint(storage, subnet.genesisCheckpoint, {
      config: subnet.config,
      task: loadTask(config.task.name, config),
    })
    expect(genesis.manifest.round).toBe(-1)
    expect(genesis.manifest.created.netuid).toBe(11)
    expect(await storage.isPinned(created.documentCid)).toBe(true)

    // The document round-trips through its canonical bytes.
    expect(parseSubnetDocument(encodeSubnetDocument(created.document))).toEqual(created.document)

    await expect(
      createNetworkSubnet({ client, storage, owner, validators, config, netuid: 11, logger: silentLogger, backend }),
    ).rejects.toThrow(SubnetExistsError)
  }, 120_000)

  test('error: a threshold above the validator count', async () => {
    await expect(
      createNetworkSubnet({
        client,
        storage: createMemoryStorage(),
        owner,
        validators,
        threshold: 3,
        config,
        netuid: 12,
        logger: silentLogger,
      }),
    ).rejects.toThrow(InvalidSubnetParametersError)
  })
})
