import type { KeyringPair } from '@polkadot/keyring/types'
import { encodeAddress } from '@polkadot/util-crypto'
import { type Backend, initBackend } from '../../shared/backend/index.ts'
import { genesisCheckpoint } from '../../shared/checkpoint/index.ts'
import type { CrowdtrainConfig } from '../../shared/config/index.ts'
import { SS58_PREFIX } from '../../shared/keys/index.ts'
import type { Logger } from '../../shared/logger/index.ts'
import type { Storage } from '../../shared/storage/index.ts'
import { loadTask, type Task } from '../../shared/tasks/index.ts'
import { createSubnet } from '../actions/index.ts'
import { type ChainClient, findEvent } from '../client/index.ts'
import { scheduleFromConfig } from '../protocol/index.ts'
import { encodeSubnetDocument, type SubnetDocument, subnetDocumentSchema } from './document.ts'
import { InvalidSubnetParametersError, SubnetCreationOrderError } from './errors.ts'

/** The inputs of `createNetworkSubnet`. */
export type CreateNetworkSubnetParameters = {
  client: ChainClient
  /** Where the genesis checkpoint and the document are published (and pinned: the owner serves them). */
  storage: Pick<Storage, 'add' | 'pin'>
  owner: KeyringPair
  validators: readonly { hotkey: string; stakeAccount: string }[]
  /** k of the validators' k-of-n multisig (default: a majority, floor(n/2) + 1). */
  threshold?: number
  config: CrowdtrainConfig
  netuid: number
  logger: Logger
  name?: string
  /** Native planck a participant pays to register (default 0: the remark alone). */
  registrationFee?: bigint
  /** Subnet asset id (default: the netuid). */
  assetId?: number
  /** Round 0 opens this many blocks after the block that spawned the treasury (default 2). */
  genesisDelay?: number
  /** Measures the genesis report loss (default: `config.train.backend`); validators must use the same kind. */
  backend?: Backend
  task?: Task
  signal?: AbortSignal
}

/** The created subnet. */
export type CreateNetworkSubnetReturnType = {
  netuid: number
  treasury: string
  multisig: string
  assetId: number
  documentCid: string
  genesisCid: string
  genesisBlock: number
  document: SubnetDocument
}

function checkValidators(p: CreateNetworkSubnetParameters): number {
  const n = p.validators.length
  if (n === 0) throw new InvalidSubnetParametersError('no validators given')
  const threshold = p.threshold ?? Math.floor(n / 2) + 1
  if (!Number.isInteger(threshold) || threshold < 1 || threshold > n) {
    throw new InvalidSubnetParametersError(`threshold ${threshold} is not between 1 and ${n}`)
  }
  if (p.config.subnet.ownerBps + p.config.subnet.minersBps + p.config.subnet.validatorsBps !== 10_000) {
    throw new InvalidSubnetParametersError('subnet.ownerBps + minersBps + validatorsBps must be 10,000')
  }
  scheduleFromConfig(p.config.round) // throws when the windows do not fit in the tempo
  return threshold
}

/**
 * Creates a whole crowdtrain subnet (design §5): publishes the genesis checkpoint, then runs
 * `createSubnet` (treasury, asset, uniques class). The subnet document names the treasury, which
 * exists only once spawned, so the document is built and published between createSubnet's two
 * transactions: right after the spawn lands (its `PureCreated` event names the treasury), before the
 * class is created with the document's CID. Round 0 opens `genesisDelay` blocks after the spawn.
 */
export async function createNetworkSubnet(p: CreateNetworkSubnetParameters): Promise<CreateNetworkSubnetReturnType> {
  const threshold = checkValidators(p)
  const log = p.logger.forComponent('subnet:create')
  const task = p.task ?? loadTask(p.config.task.name, p.config)
  const backend = p.backend ?? (await initBackend(p.config.train.backend, p.logger))
  const genesis = await genesisCheckpoint(p.config, task, { backend, netuid: p.netuid })
  const genesisCid = (await p.storage.add(genesis.files, { signal: p.signal })).toString()
  await p.storage.pin(genesisCid, { signal: p.signal })
  log.info('genesis checkpoint published', { cid: genesisCid, reportLoss: genesis.reportLoss })

  const assetId = p.assetId ?? p.netuid
  let document: SubnetDocument | undefined
  let documentCid: string | undefined
  // The first transaction createSubnet sends spawns the treasury: build and publish the document then.
  const client: ChainClient = {
    ...p.client,
    submit: async (tx, signer, opts) => {
      const res = await p.client.submit(tx, signer, opts)
      if (document) return res
      const ev = findEvent(res.events, 'proxy', 'PureCreated') ?? findEvent(res.events, 'proxy', 'AnonymousCreated')
      if (!ev) throw new SubnetCreationOrderError('the first transaction did not spawn the treasury')
      document = subnetDocumentSchema.parse({
        v: 1,
        netuid: p.netuid,
        name: p.name ?? `subnet-${p.netuid}`,
        config: p.config,
        genesisBlock: res.blockNumber + (p.genesisDelay ?? 2),
        genesisCheckpoint: genesisCid,
        validators: p.validators.map((v) => ({ hotkey: v.hotkey, stakeAccount: v.stakeAccount })),
        threshold,
        treasury: encodeAddress(ev.event.data[0].toU8a(), SS58_PREFIX),
        assetId,
        registrationFee: (p.registrationFee ?? 0n).toString(),
        owner: p.owner.address,
      })
      documentCid = (await p.storage.add(encodeSubnetDocument(document), { signal: p.signal })).toString()
      await p.storage.pin(documentCid, { signal: p.signal })
      return res
    },
  }
  const created = await createSubnet(client, {
    owner: p.owner,
    netuid: p.netuid,
    validators: p.validators.map((v) => v.hotkey),
    threshold,
    assetId,
    signal: p.signal,
    get documentCid(): string {
      if (!documentCid) throw new SubnetCreationOrderError('the class was created before the treasury was spawned')
      return documentCid
    },
  })
  if (!document || !documentCid) throw new SubnetCreationOrderError('the treasury was never spawned')
  if (created.treasury !== document.treasury) {
    throw new SubnetCreationOrderError(`the treasury is ${created.treasury}, the document says ${document.treasury}`)
  }
  if (created.block > document.genesisBlock) {
    log.warn('round 0 opened before the subnet was complete', {
      genesisBlock: document.genesisBlock,
      created: created.block,
    })
  }
  log.info('subnet created', {
    netuid: p.netuid,
    documentCid,
    treasury: created.treasury,
    genesisBlock: document.genesisBlock,
  })
  return {
    netuid: p.netuid,
    treasury: created.treasury,
    multisig: created.multisig,
    assetId: created.assetId,
    documentCid,
    genesisCid,
    genesisBlock: document.genesisBlock,
    document,
  }
}
