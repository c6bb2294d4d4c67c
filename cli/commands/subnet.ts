import { readFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { join, resolve } from 'node:path'
import type { Command } from 'commander'
import { z } from 'zod'
import { connect } from '../../chain/client/index.ts'
import { isSs58 } from '../../chain/protocol/index.ts'
import { createNetworkSubnet, loadSubnet } from '../../chain/subnet/index.ts'
import { initBackend, SCORING_BACKENDS } from '../../shared/backend/index.ts'
import { defaultConfig, loadConfigFile } from '../../shared/config/index.ts'
import { UsageError } from '../../shared/errors/index.ts'
import { defaultWalletDir } from '../../shared/keys/index.ts'
import {
  createHeliaStorage,
  createKuboStorage,
  type HeliaStorage,
  SERVING_LISTEN,
  type Storage,
} from '../../shared/storage/index.ts'
import { cliLogger, printJson, say, table } from '../output.ts'
import { loadSigner } from './claim.ts'

type Validator = { hotkey: string; stakeAccount: string }

const validatorsFileSchema = z
  .array(
    z
      .object({
        hotkey: z.string().refine(isSs58, 'an SS58 address'),
        stakeAccount: z.string().refine(isSs58, 'an SS58 address').optional(),
      })
      .strict(),
  )
  .min(1)

function intFlag(name: string, value: string, min: number, max: number): number {
  const n = Number(value)
  if (!/^\d+$/.test(value) || n < min || n > max)
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, got "${value}".`)
  return n
}

/** `--validator HOTKEY[:STAKEACCOUNT]` (stake account defaults to the hotkey). */
function parseValidatorFlag(value: string): Validator {
  const [hotkey, stakeAccount = hotkey, ...rest] = value.split(':')
  if (rest.length > 0 || !isSs58(hotkey) || !isSs58(stakeAccount))
    throw new UsageError(`--validator takes HOTKEY:STAKEACCOUNT (SS58 addresses), got "${value}".`)
  return { hotkey, stakeAccount }
}

/** A JSON file `[{ "hotkey": SS58, "stakeAccount"?: SS58 }]`. */
function readValidatorsFile(path: string): Validator[] {
  let json: unknown
  try {
    json = JSON.parse(readFileSync(path, 'utf8'))
  } catch (err) {
    throw new UsageError(`Cannot read the validators file ${path}: ${(err as Error).message}.`)
  }
  const parsed = validatorsFileSchema.safeParse(json)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new UsageError(
      `The validators file ${path} is invalid at ${issue?.path.join('.') || '(root)'}: ${issue?.message}.`,
      'Expected a JSON array of { "hotkey": SS58, "stakeAccount": SS58 }.',
    )
  }
  return parsed.data.map((v) => ({ hotkey: v.hotkey, stakeAccount: v.stakeAccount ?? v.hotkey }))
}

/** The owner's key: `--owner-wallet` (password asked) or a dev URI (`--dev-account //Alice`). */
function ownerKey(opts: { ownerWallet?: string; walletDir: string; passwordFile?: string; devAccount?: string }) {
  return loadSigner({ ...opts, wallet: opts.ownerWallet, walletFlag: '--owner-wallet' })
}

const collect = (v: string, acc: string[]) => [...acc, v]

/** `crowdtrain subnet create`: genesis checkpoint and subnet document on IPFS, treasury, asset and class on chain. */
export function registerSubnet(program: Command): void {
  const subnet = program.command('subnet').description('Create and inspect subnets.')
  subnet
    .command('create')
    .description('Create a subnet: publish its genesis checkpoint and document, then create treasury, asset and class.')
    .option('--config <file>', 'subnet config (JSON, a partial config over the defaults)')
    .requiredOption('--chain <url>', 'ws URL of the chain')
    .option('--netuid <n>', 'subnet id (the uniques class id)', '1')
    .option('--name <name>', 'a name for people')
    .option('--owner-wallet <name>', 'wallet of the owner: pays, and receives the owner cut')
    .option('--wallet-dir <dir>', 'folder of keystore files', defaultWalletDir())
    .option('--password-file <file>', 'read the wallet password from this file')
    .option('--dev-account <uri>', 'dev chains only: the owner is a public dev key such as //Alice')
    .option('--validators <file>', 'JSON file: [{ "hotkey": SS58, "stakeAccount": SS58 }]')
    .option('--validator <hotkey:stake>', 'a validator hotkey and its stake account (repeatable)', collect, [])
    .option('--threshold <k>', 'signatures the treasury multisig needs (default: a majority)')
    .option('--registration-fee <planck>', 'native planck a participant pays to register', '0')
    .option('--ipfs-api <url>', 'publish through a Kubo daemon at this RPC URL')
    .option(
      '--ipfs-dir <dir>',
      'publish into an embedded Helia node kept in this folder',
      join(homedir(), '.crowdtrain', 'owner', 'ipfs'),
    )
    .option(
      '--listen <multiaddr>',
      'where the embedded node listens (repeatable; default: TCP and WebSockets, for browser miners, on 127.0.0.1)',
      (v: string, acc: string[] = []) => [...acc, v],
    )
    .option('--serve', 'keep the embedded node running to serve the document and genesis (until SIGINT)')
    .option('--backend <name>', `backend for the genesis report loss: ${SCORING_BACKENDS.join('|')}`)
    .option('--json', 'print one JSON object')
    .option('--log-level <level>', 'debug|info|warn|error|silent')
    .action(async (opts) => {
      const netuid = intFlag('netuid', opts.netuid, 0, 2 ** 32 - 1)
      if (!/^wss?:\/\//.test(opts.chain))
        throw new UsageError(`--chain must be a ws:// or wss:// URL, got "${opts.chain}".`)
      if (!/^\d{1,30}$/.test(opts.registrationFee))
        throw new UsageError(`--registration-fee must be a whole number of planck, got "${opts.registrationFee}".`)
      const validators = [
        ...(opts.validators ? readValidatorsFile(opts.validators) : []),
        ...(opts.validator as string[]).map(parseValidatorFlag),
      ]
      if (validators.length === 0)
        throw new UsageError('Give the validator set: --validators FILE or --validator HOTKEY:STAKE.')
      const threshold =
        opts.threshold === undefined ? undefined : intFlag('threshold', opts.threshold, 1, validators.length)
      const config = opts.config ? loadConfigFile(opts.config) : defaultConfig()
      if (opts.backend && !(SCORING_BACKENDS as readonly string[]).includes(opts.backend))
        throw new UsageError(
          `--backend must be one of ${SCORING_BACKENDS.join(', ')} (validators must agree bit for bit; webgpu is for miners), got "${opts.backend}".`,
        )
      const owner = await ownerKey(opts)
      const logger = cliLogger(opts)
      const backend = await initBackend(opts.backend ?? config.train.backend, logger)
      // The chain first: when it cannot be reached, no IPFS node is left running behind the error.
      const client = await connect({ url: opts.chain, logger })
      let storage: Storage | undefined
      try {
        storage = opts.ipfsApi
          ? createKuboStorage({ url: opts.ipfsApi })
          : await createHeliaStorage({ dir: resolve(opts.ipfsDir), listen: opts.listen ?? [...SERVING_LISTEN], logger })
        const out = await createNetworkSubnet({
          client,
          storage,
          owner,
          validators,
          threshold,
          config,
          netuid,
          name: opts.name,
          registrationFee: BigInt(opts.registrationFee),
          backend,
          logger,
        })
        const peers = opts.ipfsApi ? [] : (storage as HeliaStorage).multiaddrs()
        const result = {
          netuid: out.netuid,
          treasury: out.treasury,
          multisig: out.multisig,
          assetId: out.assetId,
          documentCid: out.documentCid,
          genesisCid: out.genesisCid,
          genesisBlock: out.genesisBlock,
          threshold: out.document.threshold,
          validators: out.document.validators,
          peers,
        }
        if (opts.json) printJson(result)
        else {
          say(`Created subnet ${out.netuid}.`)
          say(
            table(
              ['field', 'value'],
              Object.entries(result)
                .filter(([k]) => k !== 'validators' && k !== 'peers')
                .map(([k, v]) => [k, String(v)]),
            ),
          )
          if (peers.length > 0) say(`Peers fetch the document and genesis from: ${peers.join(' ')}`)
        }
        if (opts.serve && !opts.ipfsApi) {
          await new Promise<void>((done) => {
            process.once('SIGINT', () => done())
            process.once('SIGTERM', () => done())
          })
        } else if (!opts.ipfsApi && !opts.json) {
          say(`The embedded node stops now: serve ${opts.ipfsDir} (--serve) until validators have fetched them.`)
        }
      } finally {
        await client.disconnect()
        await storage?.stop().catch(() => undefined)
      }
    })

  subnet
    .command('show')
    .description('Show a subnet: its document (fetched from IPFS and checked against the chain) and round clock.')
    .requiredOption('--chain <url>', 'ws URL of the chain')
    .requiredOption('--netuid <n>', 'subnet id')
    .option('--ipfs-api <url>', 'fetch through a Kubo daemon at this RPC URL')
    .option('--ipfs-dir <dir>', 'embedded Helia node folder', join(homedir(), '.crowdtrain', 'reader', 'ipfs'))
    .option('--peer <multiaddr>', 'a peer that serves the document, e.g. the owner (repeatable)', collect, [])
    .option('--json', 'print one JSON object')
    .option('--log-level <level>', 'debug|info|warn|error|silent')
    .action(async (opts) => {
      const netuid = intFlag('netuid', opts.netuid, 0, 2 ** 32 - 1)
      if (!/^wss?:\/\//.test(opts.chain))
        throw new UsageError(`--chain must be a ws:// or wss:// URL, got "${opts.chain}".`)
      const logger = cliLogger(opts)
      const client = await connect({ url: opts.chain, logger })
      let storage: Storage | undefined
      try {
        storage = opts.ipfsApi
          ? createKuboStorage({ url: opts.ipfsApi })
          : await createHeliaStorage({
              dir: resolve(opts.ipfsDir),
              listen: ['/ip4/127.0.0.1/tcp/0'],
              peers: opts.peer,
              logger,
            })
        const s = await loadSubnet(client, storage, netuid)
        const head = await client.finalizedHead()
        const now = s.schedule.windowAt(head.number)
        const { config: _config, ...doc } = s.document
        if (opts.json)
          return printJson({
            ...doc,
            documentCid: s.documentCid,
            controllers: s.controllers,
            config: s.config,
            head: head.number,
            now,
          })
        say(
          table(
            ['field', 'value'],
            [
              ['netuid', s.netuid],
              ['name', s.document.name],
              ['task', s.config.task.name],
              ['document', s.documentCid],
              ['genesis checkpoint', s.genesisCheckpoint],
              ['genesis block', s.genesisBlock],
              ['tempo', s.config.round.tempo],
              ['treasury', s.treasury],
              ['asset', s.assetId],
              ['validators', `${s.document.threshold} of ${s.document.validators.length}`],
              ['registration fee', s.document.registrationFee],
              [
                'now',
                now
                  ? `block ${head.number}: round ${now.round}, ${now.window}`
                  : `block ${head.number}: before genesis`,
              ],
            ],
          ),
        )
      } finally {
        await client.disconnect()
        await storage?.stop().catch(() => undefined)
      }
    })
}
