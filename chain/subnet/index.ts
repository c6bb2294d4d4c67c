export {
  type CreateNetworkSubnetParameters,
  type CreateNetworkSubnetReturnType,
  createNetworkSubnet,
} from './createNetworkSubnet.ts'
export {
  encodeSubnetDocument,
  MAX_SUBNET_DOCUMENT_BYTES,
  parseSubnetDocument,
  SUBNET_DOCUMENT_VERSION,
  type SubnetDocument,
  subnetDocumentSchema,
} from './document.ts'
export {
  InvalidLedgerError,
  InvalidSubnetParametersError,
  SubnetCreationOrderError,
  SubnetDocumentMismatchError,
} from './errors.ts'
export { type LoadedSubnet, loadSubnet } from './loadSubnet.ts'
export { type RoundBaseParameters, type RoundBaseReturnType, roundBase } from './roundBase.ts'
export { loadSubnetView, type SubnetView } from './subnetView.ts'
