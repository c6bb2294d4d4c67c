import { CHECKPOINT_FILES, type ParsedCheckpoint } from '../../shared/checkpoint/index.ts'
import { canonicalJson } from '../../shared/p2p/index.ts'
import type { FileEntry } from '../../shared/storage/index.ts'
import type { NamedTensor } from '../../shared/tensor.ts'
import { cidOf } from './cidOf.ts'
import { describeDifference, diffTensors, type TensorDifference } from './diffTensors.ts'

/** A tensor difference and the file it is in. */
export type TensorFinding = TensorDifference & { file: string }

/** The recomputed checkpoint: its files (for the CID), θ_{r+1} and the outer momentum. */
export type ExpectedCheckpoint = {
  files: readonly FileEntry[]
  params: readonly NamedTensor[]
  momentum: readonly NamedTensor[]
}

/** What is compared: a parsed checkpoint, or why none could be had; fetched only when the CIDs differ. */
export type CheckpointUnderTest = ParsedCheckpoint | string

/**
 * Compares a checkpoint with the recomputed one. Published (no `files`): equal when the recomputed files
 * give the ledger's CID. Local (`files`): equal when the local files give the same CID as the recomputed
 * ones. When not equal, names the tensors (by file) and manifest fields that differ.
 */
export async function compareCheckpoint(
  expected: ExpectedCheckpoint,
  got: CheckpointUnderTest | (() => Promise<CheckpointUnderTest>),
  p: { cid: string; what: string; files?: readonly FileEntry[] },
): Promise<{ ok: boolean; detail: string; tensors: TensorFinding[] }> {
  const want = await cidOf([...expected.files])
  const have = p.files ? await cidOf([...p.files]) : p.cid
  if (want === have) return { ok: true, detail: `${p.what} is the recomputed θ_{r+1} (${want})`, tensors: [] }
  const head = `${p.what} (${have}) differs from the recomputed θ_{r+1} (${want})`
  const parsed = typeof got === 'function' ? await got() : got
  if (typeof parsed === 'string') return { ok: false, detail: `${head}: ${parsed}`, tensors: [] }
  const tensors: TensorFinding[] = [
    ...diffTensors(expected.params, parsed.params).map((d) => ({ ...d, file: CHECKPOINT_FILES.model })),
    ...diffTensors(expected.momentum, parsed.momentum).map((d) => ({ ...d, file: CHECKPOINT_FILES.outerState })),
  ]
  const fields = manifestFields(expected.files, parsed)
  const parts = [
    ...tensors.slice(0, 5).map((t) => `${t.file}: ${describeDifference(t)}`),
    ...(tensors.length > 5 ? [`… ${tensors.length - 5} more tensors`] : []),
    ...(fields.length > 0 ? [`manifest.json: ${fields.join(', ')} differ`] : []),
  ]
  return { ok: false, detail: `${head}: ${parts.join('; ') || 'the file bytes differ'}`, tensors }
}

// Top-level manifest fields that differ between the recomputed manifest and the checked one.
function manifestFields(files: readonly FileEntry[], got: ParsedCheckpoint): string[] {
  const bytes = files.find((f) => f.path === CHECKPOINT_FILES.manifest)?.content
  if (!bytes) return []
  const want = JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>
  const have = got.manifest as unknown as Record<string, unknown>
  const keys = [...new Set([...Object.keys(want), ...Object.keys(have)])].sort()
  return keys.filter((k) => canonicalJson(want[k] ?? null) !== canonicalJson(have[k] ?? null))
}
