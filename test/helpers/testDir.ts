import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const made: string[] = []

/**
 * A new folder under the OS temp dir (`mkdtempSync(join(tmpdir(), prefix))`), removed after the test
 * file's last hook (`removeTestDirs`, run by the setup file `cleanTestDirs.ts`): a devnet leaves
 * 50–100 MB (chain db, IPFS blocks, logs) that would pile up run after run.
 * `CROWDTRAIN_KEEP_TEST_DIRS=1` keeps them for a look at the logs.
 */
export function testDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  made.push(dir)
  return dir
}

/** Removes every folder `testDir` made in this test file (unless `CROWDTRAIN_KEEP_TEST_DIRS` is set). */
export function removeTestDirs(): void {
  if (process.env.CROWDTRAIN_KEEP_TEST_DIRS) return
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true })
}
