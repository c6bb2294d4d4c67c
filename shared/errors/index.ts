export { BaseError, type BaseErrorParameters, describeError, isBaseError } from './BaseError.ts'
export { ConfigFileError, InvalidConfigValueError, UnknownConfigKeyError, UnknownPresetError } from './config.ts'
export {
  InvalidKeystoreError,
  InvalidWalletNameError,
  WalletExistsError,
  WalletNotFoundError,
  WrongPasswordError,
} from './keys.ts'
export { UsageError } from './usage.ts'
