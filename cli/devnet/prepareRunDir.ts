import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs'
import { basename, dirname, join, resolve } from 'node:path'
import { DevnetDirError } from './errors.ts'

/** The name of a run folder: its start as a UTC timestamp, `-N` when two runs start in one second. */
const RUN_FOLDER = /^\d{8}T\d{6}(-\d+)?$/

/**
 * `<parent>/<UTC timestamp>`: each run has its own folder, so nothing of an earlier run is reused.
 * `fresh` deletes the earlier runs — only folders named like a run — and nothing else in `parent`.
 */
export function prepareRunDir(parent: string, fresh: boolean): string {
  const root = resolve(parent)
  try {
    if (fresh)
      for (const entry of safeList(root))
        if (RUN_FOLDER.test(entry) && isDirectory(join(root, entry)))
          rmSync(join(root, entry), { recursive: true, force: true })
    const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '')
    let dir = join(root, stamp)
    for (let i = 1; safeList(root).includes(dir.slice(root.length + 1)); i++) dir = join(root, `${stamp}-${i}`)
    mkdirSync(dir, { recursive: true })
    return dir
  } catch (err) {
    throw new DevnetDirError(root, (err as Error).message, err)
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory()
  } catch {
    return false
  }
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir)
  } catch {
    return []
  }
}

/**
 * After a failed run: removes what only a running devnet needs — the chain database, the wallets
 * (keystores and their password file) and every IPFS store — and keeps what says why it failed:
 * each participant's log, devnet.log and the report. Returns the paths removed.
 */
export function pruneFailedRun(dir: string): string[] {
  const removed: string[] = []
  const remove = (path: string) => {
    if (!safeList(dirname(path)).includes(basename(path))) return
    rmSync(path, { recursive: true, force: true })
    removed.push(path)
  }
  for (const entry of safeList(dir)) {
    const path = join(dir, entry)
    if (/^chain\.db(-shm|-wal|-journal)?$/.test(entry) || entry === 'wallets') remove(path)
    else if (isDirectory(path)) remove(join(path, 'ipfs'))
  }
  return removed
}
