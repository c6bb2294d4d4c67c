import type { KeyringPair } from '@polkadot/keyring/types'
import { encodeAddress } from '@polkadot/util-crypto'
import { SS58_PREFIX } from '../../shared/keys/index.ts'
import { type ChainClient, findEvent } from '../client/index.ts'
import { SubnetExistsError, UnsupportedRuntimeError } from '../errors.ts'
import { multisigAddress } from '../settle/index.ts'
import { checkProxyExecuted } from './treasuryCall.ts'

/** The inputs of `createSubnet`. */
export type CreateSubnetParameters = {
  /** Pays for everything and hands control to the validators' multisig at the end. */
  owner: KeyringPair
  /** The subnet id: the `uniques` class id. */
  netuid: number
  /** CID of the subnet document (design §5), stored as the class metadata. */
  documentCid: string
  /** The validators' hotkeys: the treasury's multisig signatories. */
  validators: readonly string[]
  /** k of the k-of-n multisig. */
  threshold: number
  /** The subnet asset id (default: the netuid). */
  assetId?: number
  /** The asset's minimum balance (default 1). */
  assetMinBalance?: bigint
  /** Native planck moved to the treasury for its deposits (class, asset, items; default 10¹⁵). */
  treasuryFunds?: bigint
  signal?: AbortSignal
}

/** The subnet's accounts. */
export type CreateSubnetReturnType = {
  netuid: number
  treasury: string
  multisig: string
  assetId: number
  block: number
}

/** Key of the class attribute that names the subnet asset id. */
export const ASSET_ATTRIBUTE = 'asset'

/**
 * Creates a subnet (design §5) in two transactions of the owner:
 * 1. spawn a pure proxy: the treasury;
 * 2. one atomic batch: fund the treasury, then as the treasury create the asset (admin and issuer)
 *    and the `uniques` class (the netuid) with the document CID and asset id, add the validators'
 *    multisig as its proxy and remove the owner. Setting everything up before the hand-over keeps
 *    it to one signer; from the end of that batch only k validators together control the treasury.
 */
export async function createSubnet(client: ChainClient, p: CreateSubnetParameters): Promise<CreateSubnetReturnType> {
  const { api } = client
  const assetId = p.assetId ?? p.netuid
  if ((await api.query.uniques.class(p.netuid)).isSome)
    throw new SubnetExistsError(`Subnet ${p.netuid} (uniques class)`)
  if ((await api.query.assets.asset(assetId)).isSome) throw new SubnetExistsError(`Asset ${assetId}`)
  const multisig = multisigAddress(p.validators, p.threshold)

  // Runtimes renamed proxy.anonymous → proxy.createPure (event AnonymousCreated → PureCreated).
  const spawn = api.tx.proxy.createPure ?? api.tx.proxy.anonymous
  if (!spawn) throw new UnsupportedRuntimeError('proxy.createPure / proxy.anonymous')
  const created = await client.submit(spawn('Any', 0, 0), p.owner, { signal: p.signal })
  const ev = findEvent(created.events, 'proxy', 'PureCreated') ?? findEvent(created.events, 'proxy', 'AnonymousCreated')
  if (!ev) throw new UnsupportedRuntimeError('a PureCreated / AnonymousCreated event')
  const treasury = encodeAddress(ev.event.data[0].toU8a(), SS58_PREFIX)

  const asTreasury = api.tx.utility.batchAll([
    api.tx.assets.create(assetId, treasury, p.assetMinBalance ?? 1n).method,
    api.tx.uniques.create(p.netuid, treasury).method,
    api.tx.uniques.setClassMetadata(p.netuid, p.documentCid, false).method,
    api.tx.uniques.setAttribute(p.netuid, null, ASSET_ATTRIBUTE, String(assetId)).method,
    api.tx.proxy.addProxy(multisig, 'Any', 0).method,
    api.tx.proxy.removeProxy(p.owner.address, 'Any', 0).method,
  ])
  const tx = api.tx.utility.batchAll([
    api.tx.balances.transferKeepAlive(treasury, p.treasuryFunds ?? 10n ** 15n).method,
    api.tx.proxy.proxy(treasury, null, asTreasury).method,
  ])
  const res = await client.submit(tx, p.owner, { signal: p.signal })
  checkProxyExecuted(api, res.events)
  client.logger.info('subnet created', { netuid: p.netuid, treasury, multisig, assetId, block: res.blockNumber })
  return { netuid: p.netuid, treasury, multisig, assetId, block: res.blockNumber }
}
