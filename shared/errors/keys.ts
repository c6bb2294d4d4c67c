import { BaseError } from './BaseError.ts'

/** The password does not decrypt the keystore. */
export class WrongPasswordError extends BaseError {
  override name = 'WrongPasswordError'
  constructor(wallet: string) {
    super('keys.wrong-password', `Wrong password for wallet "${wallet}".`, {
      details:
        'The keystore could not be decrypted with the password given. (An encrypted key altered inside the file fails the same authentication check; a file damaged in any other way is reported as invalid.)',
    })
  }
}

/** No keystore file under that name. */
export class WalletNotFoundError extends BaseError {
  override name = 'WalletNotFoundError'
  constructor(wallet: string, dir: string) {
    super('keys.not-found', `No wallet named "${wallet}" in ${dir}.`, {
      details: 'Create one with `crowdtrain wallet create --name NAME`, or list them with `crowdtrain wallet list`.',
    })
  }
}

/** A wallet of that name exists already; creating it again would destroy a key. */
export class WalletExistsError extends BaseError {
  override name = 'WalletExistsError'
  constructor(wallet: string) {
    super('keys.exists', `A wallet named "${wallet}" already exists; refusing to overwrite it.`)
  }
}

/** A keystore file that is not a valid polkadot-js keyring JSON. */
export class InvalidKeystoreError extends BaseError {
  override name = 'InvalidKeystoreError'
  constructor(path: string, reason: string) {
    super('keys.invalid', `Keystore ${path} is not valid: ${reason}.`)
  }
}

/** A wallet name that cannot be a file name. */
export class InvalidWalletNameError extends BaseError {
  override name = 'InvalidWalletNameError'
  constructor(wallet: string) {
    super('keys.invalid-name', `Invalid wallet name "${wallet}".`, {
      details: 'Use 1–64 letters, digits, "-" or "_".',
    })
  }
}
