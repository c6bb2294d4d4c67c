/**
 * The adversarial miner behaviours of the robustness tests and `crowdtrain bench robustness`
 * (README "Security"). A kind is what a user asks the devnet for; a behaviour is what one miner
 * process does: the sybil kinds run as two processes of one operator, a leader that trains and
 * shares its delta, and a twin that submits the same delta under its own hotkey.
 */
export const ADVERSARY_KINDS = [
  'garbage',
  'nan',
  'wrong-shape',
  'oversize',
  'stale',
  'replay',
  'sybil',
  'sybil-noisy',
  'copy-late',
  'noise',
  'poison',
  'wrong-data',
  'silent',
  'inflate',
  'poison-carried',
  'lazy-scaled',
  'recycle',
  'first-batch-only',
] as const

/** A kind of adversary the devnet can add (`--adversary KIND`). */
export type AdversaryKind = (typeof ADVERSARY_KINDS)[number]

/** What one adversarial miner process does (`crowdtrain miner run --adversary BEHAVIOUR`). */
export const ADVERSARY_BEHAVIOURS = [
  ...ADVERSARY_KINDS.filter((k) => k !== 'sybil' && k !== 'sybil-noisy'),
  'sybil-lead',
  'sybil-twin',
  'sybil-noisy-twin',
] as const

/** One adversarial miner process's behaviour. */
export type AdversaryBehaviour = (typeof ADVERSARY_BEHAVIOURS)[number]

/** True when `value` names an adversary kind. */
export function isAdversaryKind(value: string): value is AdversaryKind {
  return (ADVERSARY_KINDS as readonly string[]).includes(value)
}

/** True when `value` names an adversarial behaviour. */
export function isAdversaryBehaviour(value: string): value is AdversaryBehaviour {
  return (ADVERSARY_BEHAVIOURS as readonly string[]).includes(value)
}

/** The miner processes one kind needs, in start order (the sybil leader first). */
export function behavioursOf(kind: AdversaryKind): AdversaryBehaviour[] {
  if (kind === 'sybil') return ['sybil-lead', 'sybil-twin']
  if (kind === 'sybil-noisy') return ['sybil-lead', 'sybil-noisy-twin']
  return [kind]
}

/** True when the behaviour reads or writes the operator's shared delta file. */
export function needsShareFile(b: AdversaryBehaviour): boolean {
  return b === 'sybil-lead' || b === 'sybil-twin' || b === 'sybil-noisy-twin'
}

/**
 * What a participant of this behaviour sends in `round`, for the devnet's waiting clock: `commit`
 * (commit, then reveal), `reveal-only` (a reveal without a commit: copy-late) or `none` (silent;
 * stale, replay and recycle in the first round, when there is no older checkpoint or earlier delta yet;
 * recycle also while the base is genesis, for `staleness` more rounds).
 */
export function expectedActions(
  b: AdversaryBehaviour | undefined,
  round: number,
  firstRound: number,
  staleness = 0,
): 'commit' | 'reveal-only' | 'none' {
  if (b === 'silent') return 'none'
  if (b === 'copy-late') return 'reveal-only'
  if ((b === 'stale' || b === 'replay' || b === 'recycle') && round <= firstRound) return 'none'
  if (b === 'recycle' && round <= firstRound + staleness) return 'none'
  return 'commit'
}
