import { z } from 'zod'
import { InvalidConsensusInputError } from './errors.ts'

/** Bonds as stored in a round ledger: only non-zero entries, `[validator uid, miner uid, I32F32 decimal]`. */
export type SparseBonds = [i: number, j: number, value: string][]

const sparseSchema = z
  .array(z.tuple([z.number().int().min(0), z.number().int().min(0), z.string().regex(/^[1-9][0-9]{0,20}$/)]))
  .max(1 << 20)

/** The non-zero bonds in row-major order, values as decimal strings (JSON has no bigint). */
export function bondsToSparse(bonds: readonly (readonly bigint[])[]): SparseBonds {
  const out: SparseBonds = []
  bonds.forEach((row, i) => {
    row.forEach((b, j) => {
      if (b !== 0n) out.push([i, j, b.toString()])
    })
  })
  return out
}

/**
 * The n × n bonds matrix from its ledger form, checked: uids below n, positive values at most 2³²
 * (a column-normalised bond is ≤ 1), each entry once. Throws `InvalidConsensusInputError`.
 */
export function bondsFromSparse(entries: unknown, n: number): bigint[][] {
  const parsed = sparseSchema.safeParse(entries)
  if (!parsed.success) throw new InvalidConsensusInputError(`bonds: ${parsed.error.issues[0]?.message ?? 'invalid'}`)
  const out = Array.from({ length: n }, () => new Array<bigint>(n).fill(0n))
  for (const [i, j, value] of parsed.data) {
    if (i >= n || j >= n) throw new InvalidConsensusInputError(`bonds entry (${i}, ${j}) is outside ${n} uids`)
    const b = BigInt(value)
    if (b > 1n << 32n) throw new InvalidConsensusInputError(`bonds entry (${i}, ${j}) is above 1`)
    if (out[i][j] !== 0n) throw new InvalidConsensusInputError(`bonds entry (${i}, ${j}) appears twice`)
    out[i][j] = b
  }
  return out
}

/**
 * Bonds for a metagraph of n uids (uids only ever grow: pad with zeros), with the rows and columns
 * of `resetUids` cleared — a uid handed to a new hotkey must not inherit its predecessor's bonds
 * (subtensor masks bonds older than a uid's registration the same way).
 */
export function resizeBonds(
  bonds: readonly (readonly bigint[])[],
  n: number,
  resetUids: Iterable<number> = [],
): bigint[][] {
  if (bonds.length > n) throw new InvalidConsensusInputError(`bonds cover ${bonds.length} uids, more than the ${n} now`)
  const reset = new Set(resetUids)
  return Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, j) => (reset.has(i) || reset.has(j) ? 0n : (bonds[i]?.[j] ?? 0n))),
  )
}
