import type { ZodTypeAny } from 'zod'
import type { Envelope } from './envelope.ts'

/** What a receiver knows when it judges a well-signed envelope. */
export type JudgeContext = {
  netuid: number
  now: number
  maxTtlMs: number
  isMember?: (hotkey: string) => boolean
  bodies?: Record<string, ZodTypeAny>
  replays: ReplayGuard
}

/** Accept (with the body as its schema parsed it), or reject / ignore with a reason. */
export type Verdict = { ok: true; envelope: Envelope } | { ok: false; verdict: 'reject' | 'ignore'; reason: string }

/**
 * The protocol rules for a message whose signature already checked out. Reject what breaks the protocol
 * (wrong subnet, lifetime too long, malformed body); ignore what is merely useless now (expired, from a
 * non-member, of a type this node does not handle, seen before).
 */
export function judgeEnvelope(envelope: Envelope, signature: string, ctx: JudgeContext): Verdict {
  if (envelope.netuid !== ctx.netuid) {
    return { ok: false, verdict: 'reject', reason: `netuid ${envelope.netuid} on the topic of ${ctx.netuid}` }
  }
  if (envelope.expiresAt > ctx.now + ctx.maxTtlMs)
    return { ok: false, verdict: 'reject', reason: 'expiry too far ahead' }
  if (envelope.expiresAt <= ctx.now) return { ok: false, verdict: 'ignore', reason: 'expired' }
  if (ctx.isMember && !ctx.isMember(envelope.hotkey)) {
    return { ok: false, verdict: 'ignore', reason: `hotkey ${envelope.hotkey} is not a member` }
  }
  let judged = envelope
  if (ctx.bodies) {
    const schema = ctx.bodies[envelope.type]
    if (!schema) return { ok: false, verdict: 'ignore', reason: `unknown type ${envelope.type}` }
    const body = schema.safeParse(envelope.body)
    if (!body.success) {
      const issue = body.error.issues[0]
      return {
        ok: false,
        verdict: 'reject',
        reason: `body of ${envelope.type}: ${issue?.path.join('.')} ${issue?.message}`,
      }
    }
    judged = { ...envelope, body: body.data }
  }
  if (!ctx.replays.firstTime(signature, envelope.expiresAt, ctx.now)) {
    return { ok: false, verdict: 'ignore', reason: 'already seen' }
  }
  return { ok: true, envelope: judged }
}

/** Remembers accepted signatures until their messages expire, so a replayed message is delivered once. */
export type ReplayGuard = { firstTime(signature: string, expiresAt: number, now: number): boolean }

/** A replay guard holding at most `capacity` signatures (the oldest are forgotten first). */
export function createReplayGuard(capacity = 100_000): ReplayGuard {
  const seen = new Map<string, number>()
  let prunedAt = 0
  return {
    firstTime(signature, expiresAt, now) {
      // Pruning walks the whole map: once a second is plenty, since entries live for minutes.
      if (now - prunedAt >= 1000) {
        for (const [sig, until] of seen) if (until <= now) seen.delete(sig)
        prunedAt = now
      }
      if (seen.has(signature)) return false
      if (seen.size >= capacity) seen.delete(seen.keys().next().value as string)
      seen.set(signature, expiresAt)
      return true
    },
  }
}
