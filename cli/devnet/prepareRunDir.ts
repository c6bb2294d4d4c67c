import { mkdirSync, readdirSync, rmSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { DevnetDirError } from './errors.ts'

/** `<parent>/<UTC timestamp>`: each run has its own folder, so nothing of an earlier run is reused. */
export function prepareRunDir(parent: string, fresh: boolean): string {
  const root = resolve(parent)
  try {
    if (fresh) for (const entry of safeList(root)) rmSync(join(root, entry), { recursive: true, force: true })
    const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '')
    let dir = join(root, stamp)
    for (let i = 1; safeList(root).includes(dir.slice(root.length + 1)); i++) dir = join(root, `${stamp}-${i}`)
    mkdirSync(dir, { recursive: true })
    return dir
  } catch (err) {
    throw new DevnetDirError(root, (err as Error).message, err)
  }
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir)
  } catch {
    return []
  }
}
