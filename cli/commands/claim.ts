import type { KeyringPair } from '@polkadot/keyring/types'
import type { Command } from 'commander'
import { claim, connect, devKeypair, readSubnet } from '../../chain/index.ts'
import { UsageError } from '../../shared/errors/index.ts'
import { defaultWalletDir, unlockWallet } from '../../shared/keys/index.ts'
import { cliLogger, printJson, say } from '../output.ts'
import { readPassword } from '../prompt.ts'
import { intFlag } from './chain.ts'

/** The signing key: a keystore wallet (password asked), or a public dev key such as `//Alice`. */
export async function loadSigner(opts: {
  wallet?: string
  walletDir: string
  passwordFile?: string
  devAccount?: string
  /** The flag that names the wallet, for the error message. */
  walletFlag?: string
}): Promise<KeyringPair> {
  if (opts.devAccount) {
    if (!/^\/\/[A-Za-z0-9_/-]{1,64}$/.test(opts.devAccount))
      throw new UsageError('--dev-account takes a dev URI such as //Alice.')
    return devKeypair(opts.devAccount)
  }
  if (!opts.wallet)
    throw new UsageError(`Give ${opts.walletFlag ?? '--wallet'} NAME (or --dev-account //Alice on a dev chain).`)
  const password = await readPassword({ passwordFile: opts.passwordFile })
  return unlockWallet(opts.walletDir, opts.wallet, password)
}

/** `crowdtrain claim`: pulls the rewards the subnet's settlements approved for this wallet. */
export function registerClaim(program: Command): void {
  program
    .command('claim')
    .description('Pull your approved rewards from a subnet treasury (assets.transferApproved).')
    .requiredOption('--chain <url>', 'ws URL of the chain', 'ws://127.0.0.1:9944')
    .requiredOption('--netuid <n>', 'subnet id')
    .option('--wallet <name>', 'wallet that receives the rewards')
    .option('--wallet-dir <dir>', 'folder of keystore files', defaultWalletDir())
    .option('--password-file <file>', 'read the wallet password from this file')
    .option('--dev-account <uri>', 'dev chains only: sign with a public dev key such as //Alice')
    .option('--json', 'print one JSON object')
    .option('--log-level <level>', 'debug|info|warn|error|silent')
    .action(async (opts) => {
      const netuid = intFlag('netuid', opts.netuid, 0, 2 ** 32 - 1)
      const signer = await loadSigner(opts)
      const logger = cliLogger(opts)
      const client = await connect({ url: opts.chain, logger })
      try {
        const subnet = await readSubnet(client, { netuid })
        const res = await claim(client, { signer, assetId: subnet.assetId, treasuries: [subnet.treasury] })
        if (opts.json)
          return printJson({
            netuid,
            address: signer.address,
            assetId: subnet.assetId,
            claimed: res.total,
            claims: res.claims,
          })
        if (res.total === 0n) say(`Nothing to claim for ${signer.address} on subnet ${netuid}.`)
        else
          say(`Claimed ${res.total} of asset ${subnet.assetId} for ${signer.address} (block #${res.claims[0].block}).`)
      } finally {
        await client.disconnect()
      }
    })
}
