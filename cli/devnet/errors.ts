import { BaseError } from '../../shared/errors/index.ts'

/** A miner or validator process of the devnet exited while the devnet still needed it. */
export class ChildCrashedError extends BaseError {
  override name = 'ChildCrashedError'
  constructor(name: string, exit: string, logTail: string, logFile: string) {
    super('devnet.child-crashed', `The devnet's ${name} process exited (${exit}).`, {
      details: `Last lines of ${logFile}:\n${logTail || '(empty log)'}`,
      meta: { name, exit, logFile },
    })
  }
}

/** A devnet round was not settled before the end of the next round (void), or its settlement is unreadable. */
export class RoundFailedError extends BaseError {
  override name = 'RoundFailedError'
  constructor(round: number, reason: string) {
    super('devnet.round-failed', `Devnet round ${round} failed: ${reason}.`, {
      details: "Each participant's log is under <dir>/<name>/log.jsonl.",
      meta: { round },
    })
  }
}

/** A `--chaos` flag the devnet does not understand. */
export class InvalidChaosError extends BaseError {
  override name = 'InvalidChaosError'
  constructor(value: string, reason: string) {
    super('devnet.invalid-chaos', `Invalid --chaos "${value}": ${reason}.`, {
      details:
        'Use kill-validator-after-commit:I, kill-miner-after-commit:I, kill-miner-after-reveal:I[@R], slow-miner:I[@R], ' +
        'reachable-by-one:I:J, restart-chain:R or void-round:R (I, J: index among the spawned miners or validators, ' +
        'from 0; R: round counted from the first one, from 0). See cli/devnet/README.md.',
    })
  }
}

/** The devnet directory cannot be prepared. */
export class DevnetDirError extends BaseError {
  override name = 'DevnetDirError'
  constructor(dir: string, reason: string, cause?: unknown) {
    super('devnet.dir', `Cannot use ${dir} for the devnet: ${reason}.`, {
      details: 'Pass --fresh to start over in that folder, or --dir to pick another one.',
      cause,
    })
  }
}

/** The devnet was stopped (Ctrl-C or SIGTERM) before its rounds were done. */
export class DevnetInterruptedError extends BaseError {
  override name = 'DevnetInterruptedError'
  constructor() {
    super('devnet.interrupted', 'The devnet was stopped before its rounds were done.', {
      details: 'Every process it started has been stopped; its files are kept.',
    })
  }
}

/** Some participants did not register within the window timeout (they run, but never joined). */
export class RegistrationTimeoutError extends BaseError {
  override name = 'RegistrationTimeoutError'
  constructor(names: readonly string[], ms: number) {
    super('devnet.registration-timeout', `${names.join(', ')} did not register within ${Math.round(ms / 1000)} s.`, {
      details: 'Their logs are under <dir>/<name>/log.jsonl; --window-timeout gives them longer.',
      meta: { names },
    })
  }
}

/** `--browser-miners` needs a chromium to open the web miner page in, and there is none. */
export class BrowserMissingError extends BaseError {
  override name = 'BrowserMissingError'
  constructor(path: string) {
    super('devnet.browser-missing', `Browser miners need chromium, and ${path} does not exist.`, {
      details: "Install Debian's chromium (apt-get install chromium) or set CROWDTRAIN_CHROMIUM to a chromium binary.",
      meta: { path },
    })
  }
}
