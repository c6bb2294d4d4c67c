import type { KeyringPair } from '@polkadot/keyring/types'
import { readSettledRounds } from '../../chain/actions/index.ts'
import { type ChainClient, connect } from '../../chain/client/index.ts'
import { loadDevnetLedger } from '../../cli/devnet/createDevnetSubnet.ts'
import { readSummaries } from '../../cli/devnet/readSummaries.ts'
import { createMiner, loadSubnetView, type MinerProgress } from '../../miner/index.ts'
import { describeError } from '../../shared/errors/index.ts'
import { createLogger, jsonLine, type Logger, prettyLine } from '../../shared/logger/index.ts'
import { createBrowserStorage, type HeliaStorage } from '../../shared/storage/index.ts'
import { taskFromText } from '../../shared/tasks/index.ts'
import { initBrowserBackend } from './browserBackend.ts'
import { type PageConfig, parsePageConfig } from './config.ts'
import { createIdbStateStore } from './idbStateStore.ts'
import { createKey, importKey, storedKeystore, unlockKey } from './keys.ts'
import { createView, progressFields, type RoundResult } from './view.ts'

/** What the page offers to scripts (the devnet's browser miners, tests): the buttons, without the DOM. */
export type PageApi = {
  /** Imports a mnemonic or a keystore JSON with its password (as "Import key" does) and unlocks it; returns its address. */
  importKey(secret: string, password: string): Promise<string>
  /** Starts mining with the unlocked key (as "Start mining" does). */
  start(): Promise<void>
  /** The figures on the page, by field. */
  status(): Record<string, string>
}

/** Builds the page in `root` and returns what scripts may call. */
export async function startApp(root: HTMLElement): Promise<PageApi> {
  const view = createView(root)
  const fields: Record<string, string> = {}
  const set = (patch: Record<string, string | undefined>) => {
    for (const [k, v] of Object.entries(patch)) if (v !== undefined) fields[k] = v
    view.set(patch)
  }
  const logger: Logger = createLogger({
    level: 'info',
    sink: (r) => {
      // The devnet's browser miners keep these lines as the miner's log (the same JSON as a Node miner's).
      console.log(jsonLine(r))
      view.log(prettyLine(r))
      if (r.level === 'error' || r.level === 'warn')
        set({ error: `${r.msg}${r.reason ? `: ${String(r.reason)}` : ''}` })
    },
  })
  const config: PageConfig = parsePageConfig(await (await fetch('config.json')).json())
  set({ subnet: `${config.netuid} on ${config.chainUrl}`, state: 'no key unlocked' })
  let pair: KeyringPair | undefined
  let client: ChainClient | undefined
  let running = false
  let balanceTimer: ReturnType<typeof setInterval> | undefined
  // The subnet document, fetched once (the results table needs its limits, the subnet line its facts).
  let subnetView: ReturnType<typeof loadSubnetView> | undefined
  const subnetOf = (c: ChainClient, storage: HeliaStorage) => {
    subnetView ??= loadSubnetView(c, storage, { netuid: config.netuid }).catch((err) => {
      subnetView = undefined
      throw err
    })
    return subnetView
  }

  const controls = buildControls(root, config)
  const stored = storedKeystore()
  if (stored) set({ address: `${stored.address} (locked)` })

  const useKey = (p: KeyringPair) => {
    pair = p
    set({ address: p.address, state: 'key unlocked: ready to mine' })
    void watchBalance()
  }
  async function watchBalance(): Promise<void> {
    client ??= await connect({ url: config.chainUrl, logger })
    const api = client.api
    const show = async () => {
      if (!pair) return
      const acct = (await api.query.system.account(pair.address)) as unknown as {
        data: { free: { toString(): string } }
      }
      set({ balance: `${acct.data.free.toString()} planck` })
    }
    await show()
    // One timer for the tab, however often a key is unlocked.
    balanceTimer ??= setInterval(() => void show().catch(() => undefined), 5000)
  }
  const guard = (fn: () => Promise<void>) => () =>
    void fn().catch((err) => {
      set({ error: describeError(err) })
      logger.error('action failed', { reason: describeError(err), causes: causes(err) })
    })
  controls.create.onclick = guard(async () => {
    const { pair: created, mnemonic } = await createKey(controls.password.value)
    // Shown once, never logged: the only way to move this key elsewhere.
    controls.secret.textContent = `Write these 12 words down; they are shown once: ${mnemonic}`
    controls.secret.hidden = false
    useKey(created)
  })
  controls.importKey.onclick = guard(async () =>
    useKey(await importKey(controls.mnemonic.value, controls.password.value)),
  )
  controls.unlock.onclick = guard(async () => useKey(await unlockKey(controls.password.value)))
  controls.faucet.onclick = guard(async () => {
    if (!pair) throw new Error('unlock or create a key first')
    const res = await fetch('faucet', { method: 'POST', body: JSON.stringify({ address: pair.address }) })
    if (!res.ok) throw new Error(`the faucet said: ${(await res.text()).slice(0, 200)}`)
    logger.info('faucet funded this key')
  })

  async function start(): Promise<void> {
    if (!pair) throw new Error('unlock or create a key first')
    if (running) return
    running = true
    set({ state: 'starting' })
    client ??= await connect({ url: config.chainUrl, logger })
    const backend = await initBrowserBackend({ prefer: config.prefer, wasmPath: 'wasm/', logger })
    set({ backend: backend.adapter ? `${backend.name} (${backend.adapter})` : backend.name })
    const storage = await createBrowserStorage({ peers: config.peers, logger })
    const memo: { lastStepAt?: number; tokensPerStep?: number } = {}
    const me = pair
    const miner = createMiner({
      ...{ client, netuid: config.netuid, pair: me, dataDir: 'browser', storage, backend, workers: 0, logger },
      store: createIdbStateStore(`${config.netuid}/${me.address}`),
      loadTask: async (name, cfg) => {
        const res = await fetch(`task?name=${encodeURIComponent(name)}`)
        if (!res.ok)
          throw new Error(`the page server has no text for task ${name}: ${(await res.text()).slice(0, 200)}`)
        return taskFromText(name, await res.text(), cfg)
      },
      redial: async () => {
        for (const peer of config.peers) await storage.dial(peer).catch(() => undefined)
      },
      onProgress: (p: MinerProgress) => {
        set(progressFields(p, memo, performance.now()))
        if (p.phase === 'claim' && p.amount) set({ rewards: `${p.amount} (smallest unit), last claim` })
        // One refresh at a time: several rounds can settle in one burst of progress events.
        if (p.phase === 'settled')
          showing = showing.then(() => showResults(client as ChainClient, storage, me.address)).catch(() => undefined)
      },
    })
    await miner.start()
    set({ state: 'mining' })
    void subnetOf(client, storage)
      .then((v) =>
        set({
          subnet:
            `${config.netuid} on ${config.chainUrl}: task ${v.config.task.name}, ${v.validators.length} validators, ` +
            `a round every ${v.schedule.tempo} blocks`,
        }),
      )
      .catch(() => undefined)
    void miner.done.then(() => set({ state: 'stopped' }))
  }
  controls.start.onclick = guard(start)

  // The rounds this hotkey took part in, as the ledgers and the validators' signed reports say.
  const seen = new Map<number, RoundResult>()
  let showing: Promise<void> = Promise.resolve()
  async function showResults(c: ChainClient, storage: HeliaStorage, address: string): Promise<void> {
    const view$ = await subnetOf(c, storage)
    const { rounds } = await readSettledRounds(c, { netuid: config.netuid })
    const fresh = rounds.filter((r) => !seen.has(r.round))
    if (fresh.length === 0) return
    const summaries = await readSummaries({
      ...{ client: c, storage, netuid: config.netuid, rounds: fresh, loadLedger: loadDevnetLedger },
      ...{ maxUids: view$.config.subnet.maxUids, immunityBlocks: view$.config.subnet.immunityBlocks },
    })
    for (const s of summaries) {
      const mine = s.miners.find((m) => m.hotkey === address)
      if (!mine) continue
      seen.set(s.round, {
        round: s.round,
        accepted: mine.accepted && mine.incentive > 0,
        score: mine.score.toFixed(3),
        reward: mine.reward,
        reasons: (mine.reasons ?? []).map((x) => `${x.validator}: ${x.reason}`).join('; ') || '—',
      })
    }
    view.results([...seen.values()].sort((a, b) => a.round - b.round))
  }

  return {
    async importKey(secret, password) {
      const p = await importKey(secret, password)
      useKey(p)
      return p.address
    },
    start,
    status: () => ({ ...fields, results: JSON.stringify([...seen.values()]) }),
  }
}

function buildControls(root: HTMLElement, config: PageConfig) {
  const box = document.createElement('div')
  box.id = 'controls'
  const input = (id: string, placeholder: string, type = 'text') => {
    const el = document.createElement('input')
    el.id = id
    el.type = type
    el.placeholder = placeholder
    return el
  }
  const button = (id: string, text: string) => {
    const el = document.createElement('button')
    el.id = id
    el.textContent = text
    return el
  }
  const password = input('password', 'password (encrypts the key in this browser)', 'password')
  const mnemonic = input('mnemonic', 'mnemonic or keystore JSON to import')
  const create = button('create', 'Create key')
  const importKey = button('import', 'Import key')
  const unlock = button('unlock', 'Unlock stored key')
  const faucet = button('faucet', 'Faucet (devnet)')
  faucet.hidden = !config.faucet
  const start = button('start', 'Start mining')
  const secret = document.createElement('p')
  secret.id = 'secret'
  secret.hidden = true
  box.append(password, mnemonic, create, importKey, unlock, faucet, start, secret)
  root.prepend(box)
  return { password, mnemonic, create, importKey, unlock, faucet, start, secret }
}

// The messages of an error's cause chain, for the log (what a library said below our own message).
function causes(err: unknown): string[] {
  const out: string[] = []
  for (
    let e = (err as { cause?: unknown })?.cause;
    e !== undefined && out.length < 5;
    e = (e as { cause?: unknown })?.cause
  )
    out.push(e instanceof Error ? `${e.name}: ${e.message}` : String(e))
  return out
}
