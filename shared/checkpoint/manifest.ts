import { CID } from 'multiformats/cid'
import { z } from 'zod'
import { type CrowdtrainConfig, parseConfig } from '../config/index.ts'
import { canonicalJson } from '../p2p/index.ts'

/** Version of the checkpoint format (manifest `v`, safetensors metadata `version`). */
export const CHECKPOINT_VERSION = 1
/** The file names of a checkpoint directory. */
export const CHECKPOINT_FILES = {
  model: 'model.safetensors',
  outerState: 'outer_state.safetensors',
  manifest: 'manifest.json',
} as const
/** `format` in the safetensors metadata of model.safetensors and outer_state.safetensors. */
export const MODEL_FORMAT = 'crowdtrain-checkpoint'
export const OUTER_STATE_FORMAT = 'crowdtrain-outer-state'
/** Largest manifest accepted: the config plus up to 4096 delta entries of ~200 bytes. */
export const MAX_MANIFEST_BYTES = 2 * 1024 * 1024

/** True when `s` is a CID in its canonical string form (one spelling per CID, so CIDs compare as strings). */
export function isCanonicalCid(s: string): boolean {
  try {
    return CID.parse(s).toString() === s
  } catch {
    return false
  }
}

const cid = z.string().max(128).refine(isCanonicalCid, 'expected a CID in its canonical string form')

/** A whole config, checked by the config parser; partial or unknown-keyed configs are refused. */
export const fullConfigSchema = z.unknown().transform((value, ctx): CrowdtrainConfig => {
  try {
    const parsed = parseConfig(value, 'manifest config')
    if (canonicalJson(parsed) !== canonicalJson(value)) {
      ctx.addIssue({ code: 'custom', message: 'the config is not complete' })
      return z.NEVER
    }
    return parsed
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message.split('\n')[0] })
    return z.NEVER
  }
})

/** One delta folded into a checkpoint: its miner, shard, CID and normalised float32 weight. */
const deltaEntry = z
  .object({
    uid: z.number().int().min(0).max(4095),
    hotkey: z.string().min(1).max(64),
    shard: z.number().int().min(0).max(1023),
    cid,
    weight: z.number().finite().min(0).max(1),
  })
  .strict()

/** The manifest schema (docs/network.md, Checkpoint). */
export const manifestSchema = z
  .object({
    v: z.literal(CHECKPOINT_VERSION),
    task: z.string().min(1).max(4096),
    config: fullConfigSchema,
    /** The round whose settlement produced this checkpoint; −1 for genesis. */
    round: z
      .number()
      .int()
      .min(-1)
      .max(2 ** 32 - 1),
    parent: cid.nullable(),
    deltas: z.array(deltaEntry).max(4096),
    reportLoss: z.number().finite().min(0),
    created: z
      .object({
        netuid: z
          .number()
          .int()
          .min(0)
          .max(2 ** 32 - 1),
      })
      .strict(),
  })
  .strict()
  .superRefine((m, ctx) => {
    for (let i = 1; i < m.deltas.length; i++) {
      if (m.deltas[i].uid <= m.deltas[i - 1].uid) {
        ctx.addIssue({
          code: 'custom',
          path: ['deltas', i],
          message: 'deltas must be sorted by strictly ascending uid',
        })
        return
      }
    }
    if ((m.round === -1) !== (m.parent === null)) {
      ctx.addIssue({
        code: 'custom',
        path: ['parent'],
        message: 'only the genesis checkpoint (round −1) has no parent',
      })
    }
  })

/** A checkpoint manifest. */
export type CheckpointManifest = z.infer<typeof manifestSchema>
/** One entry of a manifest's `deltas`. */
export type CheckpointDelta = z.infer<typeof deltaEntry>

/** A loss rounded to 1e-6, the only floats in manifests and ledgers (so all validators write the same bytes). */
export function roundLoss(loss: number): number {
  return Math.round(loss * 1e6) / 1e6
}
