import { InvalidAddInputError } from './errors.ts'
import type { FileEntry } from './Storage.ts'

/** Checks directory input: relative paths, no `..`, no duplicates; sorted so the order given never matters. */
export function checkFiles(files: FileEntry[]): FileEntry[] {
  if (!Array.isArray(files) || files.length === 0) throw new InvalidAddInputError('a directory needs at least one file')
  const seen = new Set<string>()
  const out = files.map((f) => {
    if (!(f?.content instanceof Uint8Array)) throw new InvalidAddInputError(`file "${f?.path}" has no byte content`)
    const path = checkPath(f.path)
    if (seen.has(path)) throw new InvalidAddInputError(`the path "${path}" appears twice`)
    seen.add(path)
    return { path, content: f.content }
  })
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
}

/** A relative `/`-separated path without empty, `.` or `..` segments. */
export function checkPath(path: string): string {
  if (typeof path !== 'string' || path.length === 0 || path.length > 1024) {
    throw new InvalidAddInputError(`the path "${String(path).slice(0, 100)}" is empty or too long`)
  }
  const parts = path.split('/')
  if (path.startsWith('/') || parts.some((p) => p === '' || p === '.' || p === '..' || p.includes('\0'))) {
    throw new InvalidAddInputError(`the path "${path}" must be relative, without empty, "." or ".." parts`)
  }
  return path
}
