import { readFileSync } from 'node:fs'
import { createInterface } from 'node:readline'
import { UsageError } from '../shared/errors/index.ts'

/**
 * The wallet password: from `--password-file`, else CROWDTRAIN_PASSWORD, else asked on the terminal
 * (not echoed). Without a terminal and without either, a usage error.
 */
export async function readPassword(opts: { passwordFile?: string; confirm?: boolean }): Promise<string> {
  if (opts.passwordFile) {
    const text = readPasswordFile(opts.passwordFile)
    if (text.length === 0) throw new UsageError(`Password file ${opts.passwordFile} is empty.`)
    return text
  }
  const env = process.env.CROWDTRAIN_PASSWORD
  if (env !== undefined && env.length > 0) return env
  if (!process.stdin.isTTY) {
    throw new UsageError(
      'No password given.',
      'Use --password-file FILE or set CROWDTRAIN_PASSWORD when not at a terminal.',
    )
  }
  const first = await ask('Password: ')
  if (opts.confirm) {
    const again = await ask('Repeat password: ')
    if (again !== first) throw new UsageError('The passwords do not match.')
  }
  if (first.length === 0) throw new UsageError('An empty password is not allowed.')
  return first
}

function ask(question: string): Promise<string> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true })
    const out = rl as unknown as { _writeToOutput: (s: string) => void }
    let asked = false
    out._writeToOutput = (s: string) => {
      if (!asked) process.stderr.write(s)
      asked = true
    }
    rl.question(question, (answer) => {
      rl.close()
      process.stderr.write('\n')
      resolve(answer)
    })
  })
}

const FILE_PROBLEMS: Record<string, string> = {
  ENOENT: 'there is no such file',
  EISDIR: 'it is a folder, not a file',
  EACCES: 'this user may not read it',
  EPERM: 'this user may not read it',
}

// The password file's text without its final newline; a file that cannot be read is a usage error.
function readPasswordFile(path: string): string {
  try {
    return readFileSync(path, 'utf8').replace(/\r?\n$/, '')
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? ''
    throw new UsageError(
      `Cannot read the password file ${path}: ${FILE_PROBLEMS[code] ?? (err as Error).message}.`,
      'Pass --password-file with a readable file holding the password (one line).',
    )
  }
}
