export { composeHelia, type HeliaParts, type HeliaStorage } from './composeHelia.ts'
export { createBrowserStorage } from './createBrowserStorage.ts'
export { type CreateHeliaStorageParameters, createHeliaStorage } from './createHeliaStorage.ts'
export { type CreateKuboStorageParameters, createKuboStorage } from './createKuboStorage.ts'
export { type CrowdtrainLibp2p, type CrowdtrainServices, MAX_GOSSIP_BYTES, SERVING_LISTEN } from './createLibp2pNode.ts'
export { createMemoryStorage } from './createMemoryStorage.ts'
export { type DialOutcome, dialMissing, type PeerDialer } from './dialMissing.ts'
export {
  ContentTooLargeError,
  FetchTimeoutError,
  InvalidAddInputError,
  InvalidCidError,
  InvalidContentError,
  InvalidMultiaddrError,
  NotFoundError,
  PeerUnreachableError,
  StorageAbortedError,
  StorageUnavailableError,
} from './errors.ts'
export { identityPeerId, loadOrCreateIdentity } from './identity.ts'
export { parseCid } from './parseCid.ts'
export { KUBO_ADD_PARAMS, PROFILE_CHUNK_BYTES, PROFILE_MAX_LINKS, UNIXFS_PROFILE } from './profile.ts'
export type { AddInput, DirEntry, FileEntry, GetOptions, ReadProgress, Storage, StorageCallOptions } from './Storage.ts'
