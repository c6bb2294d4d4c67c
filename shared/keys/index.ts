export {
  type CreateWalletParameters,
  createWallet,
  defaultWalletDir,
  listWallets,
  SS58_PREFIX,
  showWallet,
  unlockWallet,
  type WalletInfo,
} from './keystore.ts'
