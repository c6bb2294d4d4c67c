import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { UsageError } from '../shared/errors/index.ts'
import { testDir } from '../test/helpers/testDir.ts'
import { readPassword } from './prompt.ts'

describe('readPassword', () => {
  test('default: the password file without its final newline', async () => {
    const file = join(testDir('ct-prompt-'), 'pw')
    writeFileSync(file, 'secret\n')
    expect(await readPassword({ passwordFile: file })).toBe('secret')
  })

  test('error: a missing password file or a folder is a usage error that says which', async () => {
    const dir = testDir('ct-prompt-')
    const missing = join(dir, 'nope')
    await expect(readPassword({ passwordFile: missing })).rejects.toThrow(UsageError)
    await expect(readPassword({ passwordFile: missing })).rejects.toThrow(
      `Cannot read the password file ${missing}: there is no such file.`,
    )
    await expect(readPassword({ passwordFile: dir })).rejects.toThrow(/it is a folder, not a file/)
  })
})
