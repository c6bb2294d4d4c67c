import { constants } from 'node:fs'
import { access, mkdir, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { encodeLedger, type RoundLedger } from '../../chain/ledger/index.ts'
import {
  CHECKPOINT_FILES,
  defaultCheckpointMaxBytes,
  InvalidCheckpointError,
  MAX_MANIFEST_BYTES,
  type ParsedCheckpoint,
  parseCheckpoint,
} from '../../shared/checkpoint/index.ts'
import type { CrowdtrainConfig } from '../../shared/config/index.ts'
import type { FileEntry, ReadProgress } from '../../shared/storage/index.ts'
import { loadTask, type Task } from '../../shared/tasks/index.ts'
import { fileProblem } from '../output.ts'
import { cidOf } from './cidOf.ts'
import { OutputFolderError } from './errors.ts'
import { fetchOrExplain, type OpenSubnet, type SettledRound } from './openSubnet.ts'
import { buildTfjsModel, writeTfjsModel } from './tfjsModel.ts'

/** The folder of the TensorFlow.js model inside a pulled checkpoint. */
export const TFJS_DIR = 'tfjs'
/** The round ledger, written beside the checkpoint files. */
export const LEDGER_FILE = 'ledger.json'

/** Progress of one file being fetched. */
export type PullProgress = { file: string } & Omit<ReadProgress, 'cid'>

/** A settled round's checkpoint fetched and checked: files, parsed tensors, and where it came from. */
export type FetchedCheckpoint = {
  round: SettledRound
  ledger: RoundLedger
  config: CrowdtrainConfig
  task: Task
  files: FileEntry[]
  checkpoint: ParsedCheckpoint
}

/**
 * Fetches round r's checkpoint (θ_{r+1}, named by its ledger) file by file with size caps, and checks
 * it: the directory holds exactly the checkpoint files, parses strictly for the subnet's task and
 * config, is for round r of this subnet, carries the ledger's report loss, and its bytes give the
 * ledger's CID under the one import profile.
 */
export async function fetchSettledCheckpoint(
  net: OpenSubnet,
  p: { round?: number; onProgress?: (p: PullProgress) => void },
): Promise<FetchedCheckpoint> {
  const round = await net.settledRound(p.round)
  const ledger = await net.ledger(round)
  const view = await net.view()
  const task = loadTask(view.config.task.name, view.config)
  const cid = ledger.checkpoint
  const entries = await fetchOrExplain('checkpoint directory', cid, () =>
    net.storage.ls(cid, { timeoutMs: net.timeoutMs }),
  )
  const names = entries.map((e) => e.name).sort()
  const want = Object.values(CHECKPOINT_FILES).sort() as string[]
  if (names.join() !== want.join())
    throw new InvalidCheckpointError(`directory ${cid} holds ${names.join(', ') || 'nothing'}, not ${want.join(', ')}`)
  const tensorCap = defaultCheckpointMaxBytes(view.config, task)
  const files: FileEntry[] = []
  for (const file of Object.values(CHECKPOINT_FILES)) {
    const maxBytes = file === CHECKPOINT_FILES.manifest ? MAX_MANIFEST_BYTES : tensorCap
    const content = await fetchOrExplain(`checkpoint file ${file} of`, cid, () =>
      net.storage.getFile(cid, file, {
        maxBytes,
        timeoutMs: net.timeoutMs,
        onProgress: (x) => p.onProgress?.({ file, bytes: x.bytes, total: x.total }),
      }),
    )
    files.push({ path: file, content })
  }
  const checkpoint = parseCheckpoint(files, { config: view.config, task })
  const m = checkpoint.manifest
  if (m.round !== round.round)
    throw new InvalidCheckpointError(`its manifest is for round ${m.round}, not ${round.round}`)
  if (m.created.netuid !== net.netuid)
    throw new InvalidCheckpointError(`its manifest is for subnet ${m.created.netuid}, not ${net.netuid}`)
  if (m.reportLoss !== ledger.reportLoss.after)
    throw new InvalidCheckpointError(`its report loss ${m.reportLoss} is not the ledger's ${ledger.reportLoss.after}`)
  const got = await cidOf(files)
  if (got !== cid) throw new InvalidCheckpointError(`its files give CID ${got}, not ${cid}`)
  return { round, ledger, config: view.config, task, files, checkpoint }
}

/** What `pullCheckpoint` wrote. */
export type PullReturnType = {
  round: number
  ledgerCid: string
  checkpointCid: string
  task: string
  reportLoss: number
  out: string
  files: { path: string; bytes: number }[]
}

/**
 * `checkpoint pull`: fetches and checks a settled round's checkpoint (`fetchSettledCheckpoint`), then
 * writes into `out` the checkpoint files (model.safetensors, outer_state.safetensors, manifest.json),
 * the round ledger, and a TensorFlow.js weights-only model under `tfjs/`.
 */
export async function pullCheckpoint(
  net: OpenSubnet,
  p: { round?: number; out: string; onProgress?: (p: PullProgress) => void },
): Promise<PullReturnType> {
  // Checked before anything is fetched: a download that cannot be written is time lost.
  await prepareOut(p.out)
  const got = await fetchSettledCheckpoint(net, p)
  const tfjs = buildTfjsModel({
    tensors: got.checkpoint.params,
    metadata: {
      task: got.task.name,
      round: got.round.round,
      netuid: net.netuid,
      checkpoint: got.ledger.checkpoint,
      model: got.config.model,
      source: 'model.safetensors of the checkpoint; linear weights are [in, out]',
    },
  })
  const written: { path: string; content: Uint8Array }[] = [
    ...got.files,
    { path: LEDGER_FILE, content: encodeLedger(got.ledger) },
  ]
  try {
    for (const f of written) await writeFile(join(p.out, f.path), f.content)
    await writeTfjsModel(join(p.out, TFJS_DIR), tfjs)
  } catch (err) {
    throw new OutputFolderError(p.out, fileProblem(err, 'write'), err)
  }
  return {
    round: got.round.round,
    ledgerCid: got.round.ledgerCid,
    checkpointCid: got.ledger.checkpoint,
    task: got.task.name,
    reportLoss: got.checkpoint.manifest.reportLoss,
    out: p.out,
    files: [
      ...written.map((f) => ({ path: f.path, bytes: f.content.byteLength })),
      ...tfjs.map((f) => ({ path: join(TFJS_DIR, f.path), bytes: f.content.byteLength })),
    ],
  }
}

/** Creates `out` when missing; refuses a file in its place or a folder this user cannot write. */
export async function prepareOut(out: string): Promise<void> {
  try {
    await mkdir(out, { recursive: true })
    if (!(await stat(out)).isDirectory()) throw new OutputFolderError(out, 'it is a file, not a folder')
    await access(out, constants.W_OK)
  } catch (err) {
    if (err instanceof OutputFolderError) throw err
    throw new OutputFolderError(out, fileProblem(err, 'write'), err)
  }
}
