import { readFileSync } from 'node:fs'
import { createInterface } from 'node:readline'
import { UsageError } from '../shared/errors/index.ts'
import { fileProblem } from './output.ts'

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

// The password file's text without its final newline; a file that cannot be read is a usage error.
function readPasswordFile(path: string): string {
  try {
    return readFileSync(path, 'utf8').replace(/\r?\n$/, '')
  } catch (err) {
    throw new UsageError(
      `Cannot read the password file ${path}: ${fileProblem(err, 'read')}.`,
      'Pass --password-file with a readable file holding the password (one line).',
    )
  }
}
