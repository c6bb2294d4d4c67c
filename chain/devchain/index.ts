export { type BlockClock, type ClockMode, createBlockClock } from './blockClock.ts'
export { DEV_ACCOUNT_NAMES, DEV_FUNDS, devAddresses, devKeypair, fundAccounts } from './devAccounts.ts'
export { type Devchain, type StartDevchainParameters, startDevchain } from './startDevchain.ts'
