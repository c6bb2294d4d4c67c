import type { Command } from 'commander'
import { createWallet, defaultWalletDir, listWallets, showWallet } from '../../shared/keys/index.ts'
import { printJson, say, table } from '../output.ts'
import { readPassword } from '../prompt.ts'

/** `crowdtrain wallet create|list|show`: encrypted sr25519 keystores. */
export function registerWallet(program: Command): void {
  const wallet = program.command('wallet').description('Create and inspect encrypted keystores (sr25519).')
  const dirOpt = ['--wallet-dir <dir>', 'folder of keystore files', defaultWalletDir()] as const

  wallet
    .command('create')
    .description('Create a new wallet; prints its address and, once, its mnemonic.')
    .requiredOption('--name <name>', 'wallet name (letters, digits, - and _)')
    .option(...dirOpt)
    .option('--password-file <file>', 'read the password from this file')
    .option('--json', 'print one JSON object')
    .action(async (opts) => {
      const password = await readPassword({ passwordFile: opts.passwordFile, confirm: true })
      const w = await createWallet({ dir: opts.walletDir, name: opts.name, password })
      if (opts.json)
        return printJson({
          name: w.name,
          address: w.address,
          publicKey: w.publicKey,
          file: w.file,
          mnemonic: w.mnemonic,
        })
      say(`Created wallet "${w.name}" at ${w.file}`)
      say(`address: ${w.address}`)
      say('Write down this mnemonic; it is the only way to recover the key and is not shown again:')
      say(`  ${w.mnemonic}`)
    })

  wallet
    .command('list')
    .description('List wallets with their addresses.')
    .option(...dirOpt)
    .option('--json', 'print one JSON object')
    .action(async (opts) => {
      const { wallets, invalid } = await listWallets(opts.walletDir)
      if (opts.json) return printJson({ wallets, invalid })
      if (wallets.length === 0) say(`No wallets in ${opts.walletDir}.`)
      else
        say(
          table(
            ['name', 'address'],
            wallets.map((w) => [w.name, w.address]),
          ),
        )
      for (const bad of invalid) process.stderr.write(`warning: ${bad.reason}\n`)
    })

  wallet
    .command('show')
    .description('Show one wallet (public facts only; no password needed).')
    .requiredOption('--name <name>', 'wallet name')
    .option(...dirOpt)
    .option('--json', 'print one JSON object')
    .action(async (opts) => {
      const w = await showWallet(opts.walletDir, opts.name)
      if (opts.json) return printJson(w)
      say(
        table(
          ['field', 'value'],
          [
            ['name', w.name],
            ['address', w.address],
            ['publicKey', w.publicKey],
            ['type', w.type],
            ['file', w.file],
          ],
        ),
      )
    })
}
