import type { Codec } from '@polkadot/types/types'
import { u8aToString } from '@polkadot/util'
import { encodeAddress } from '@polkadot/util-crypto'
import { SS58_PREFIX } from '../../shared/keys/index.ts'
import type { ChainClient } from '../client/index.ts'
import { SubnetNotFoundError } from '../errors.ts'
import { isCanonicalCid } from '../protocol/index.ts'
import { ASSET_ATTRIBUTE } from './createSubnet.ts'

/** The inputs of `readSubnet`. */
export type ReadSubnetParameters = { netuid: number }

/** A subnet's anchors in chain state. */
export type ReadSubnetReturnType = {
  netuid: number
  /** CID of the subnet document (the class metadata). */
  documentCid: string
  /** The treasury: owner of the class and of the asset. */
  treasury: string
  assetId: number
  /** Accounts allowed to act as the treasury (the validators' multisig). */
  controllers: string[]
}

type Opt = Codec & { isSome: boolean; unwrap(): Codec & Record<string, Codec> }

/** Reads a subnet from state alone (no block scan): class owner, document CID, asset id, proxies. */
export async function readSubnet(client: ChainClient, p: ReadSubnetParameters): Promise<ReadSubnetReturnType> {
  const q = client.api.query.uniques
  // Current runtimes renamed class → collection (storage items included).
  const classOf = (q.class ?? q.collection) as unknown as (id: number) => Promise<Opt>
  const metaOf = (q.classMetadataOf ?? q.collectionMetadataOf) as unknown as (id: number) => Promise<Opt>
  const details = await classOf(p.netuid)
  if (!details.isSome) throw new SubnetNotFoundError(p.netuid, 'no uniques class with this id')
  const treasury = encodeAddress(details.unwrap().owner.toU8a(), SS58_PREFIX)
  const meta = await metaOf(p.netuid)
  const documentCid = meta.isSome ? u8aToString(meta.unwrap().data.toU8a(true)) : ''
  if (!isCanonicalCid(documentCid))
    throw new SubnetNotFoundError(p.netuid, 'the class metadata is not a subnet document CID')
  const attr = (await q.attribute(p.netuid, null, ASSET_ATTRIBUTE)) as unknown as Opt
  const assetText = attr.isSome ? u8aToString((attr.unwrap() as unknown as Codec[])[0].toU8a(true)) : ''
  if (!/^\d{1,10}$/.test(assetText)) throw new SubnetNotFoundError(p.netuid, 'the class has no asset id attribute')
  const proxies = await client.api.query.proxy.proxies(treasury)
  const controllers = proxies[0].map((d) => encodeAddress(d.delegate, SS58_PREFIX))
  return { netuid: p.netuid, documentCid, treasury, assetId: Number(assetText), controllers }
}
