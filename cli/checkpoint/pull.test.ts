import { statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { testDir } from '../../test/helpers/testDir.ts'
import { OutputFolderError } from './errors.ts'
import { prepareOut } from './pull.ts'

describe('prepareOut (checkpoint pull --out, checked before fetching)', () => {
  test('default: a missing folder is created', async () => {
    const out = join(testDir('ct-pull-'), 'a', 'b')
    await prepareOut(out)
    expect(statSync(out).isDirectory()).toBe(true)
  })

  test('error: a file in the way, as --out or as a folder above it, is a typed error saying so', async () => {
    const dir = testDir('ct-pull-')
    const file = join(dir, 'taken')
    writeFileSync(file, 'x')
    await expect(prepareOut(file)).rejects.toThrow(OutputFolderError)
    await expect(prepareOut(file)).rejects.toThrow(
      `Cannot write the checkpoint into ${file}: a file of that name is in the way.`,
    )
    await expect(prepareOut(join(file, 'sub'))).rejects.toThrow(/a file of that name is in the way/)
  })
})
