/** What a validator reports as it works (`createValidator`'s `onEvent`): the source of its metrics. */
export type ValidatorEvent =
  | { kind: 'head'; head: number; round: number | null }
  | { kind: 'step'; round: number; step: string }
  /** A delta fetched (or not) for scoring, with how long it took. */
  | { kind: 'fetch'; ok: boolean; seconds: number }
  /** A round's scores: one per row of the score report. */
  | { kind: 'scored'; round: number; scores: readonly number[] }
  | { kind: 'weights-committed'; round: number }
  | { kind: 'weights-revealed'; round: number }
  | { kind: 'settled'; round: number }
  | { kind: 'claimed'; round: number; amount: bigint }
