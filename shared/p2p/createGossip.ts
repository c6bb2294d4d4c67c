import { type GossipSub, type Message, TopicValidatorResult } from '@libp2p/gossipsub'
import type { PeerId } from '@libp2p/interface'
import type { KeyringPair } from '@polkadot/keyring/types'
import type { ZodTypeAny } from 'zod'
import type { Logger } from '../logger/index.ts'
import { checkWire, ENVELOPE_VERSION, type Envelope, encodeSigned } from './envelope.ts'
import { GossipStoppedError, InvalidGossipMessageError } from './errors.ts'
import { createReplayGuard, judgeEnvelope } from './judgeEnvelope.ts'

/** The gossip topic of a subnet. */
export function gossipTopic(netuid: number): string {
  return `crowdtrain/${netuid}/v1`
}

/** Largest encoded message accepted or sent by default (a reveal or a hint is a few hundred bytes). */
export const DEFAULT_MAX_MESSAGE_BYTES = 16 * 1024

/** Longest lifetime a message may claim; anything further in the future is rejected. */
export const DEFAULT_MAX_TTL_MS = 15 * 60_000

export type CreateGossipParameters = {
  libp2p: { services: { pubsub: GossipSub } }
  netuid: number
  /** The sender's sr25519 hotkey; every message published is signed by it. */
  signer: KeyringPair
  logger: Logger
  /**
   * When given, messages from hotkeys it says no to are ignored (not delivered, not forwarded). The hotkey is
   * the ss58 string the sender's keyring wrote: compare public keys (`decodeAddress`) if prefixes may differ.
   */
  isMember?: (hotkey: string) => boolean
  /** When given, only these message types are delivered, each body parsed with its schema. */
  bodies?: Record<string, ZodTypeAny>
  /** Clock in ms since the epoch (tests pass their own). */
  now?: () => number
  maxMessageBytes?: number
  maxTtlMs?: number
}

/** A message that passed every check, as handlers see it. */
export type GossipMessage = Omit<Envelope, 'v'> & { from: string }

export type GossipHandler = (message: GossipMessage) => void | Promise<void>

/** Signed, validated gossip on one subnet's topic. */
export type Gossip = {
  readonly topic: string
  /** Signs and publishes a message; returns how many peers it was sent to. */
  publish(type: string, round: number, body: unknown, opts: { ttlMs: number }): Promise<{ recipients: number }>
  /** Calls `handler` with every accepted message; returns a function that removes it. */
  subscribe(handler: GossipHandler): () => void
  /** Leaves the topic; safe to call twice. */
  stop(): void
}

/**
 * Gossip over an existing libp2p node's gossipsub. Every incoming message goes through the topic validator
 * before any handler sees it or gossipsub forwards it: bad size, JSON, schema or signature → reject;
 * wrong netuid or a lifetime beyond `maxTtlMs` → reject; expired, repeated, unknown type or non-member → ignore.
 * Gossip is a hint: the chain stays the truth.
 */
export function createGossip(params: CreateGossipParameters): Gossip {
  const { libp2p, netuid, signer } = params
  const pubsub = libp2p.services.pubsub
  const topic = gossipTopic(netuid)
  const log = params.logger.forComponent('p2p:gossip')
  const now = params.now ?? Date.now
  const maxBytes = params.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES
  const maxTtlMs = params.maxTtlMs ?? DEFAULT_MAX_TTL_MS
  const handlers = new Set<GossipHandler>()
  // A replay of an accepted message under a new gossipsub id is not delivered twice.
  const replays = createReplayGuard()
  const accepted = new WeakMap<Uint8Array, GossipMessage>()
  let stopped = false

  function validate(peer: PeerId, msg: Message): TopicValidatorResult {
    const checked = checkWire(msg.data, maxBytes)
    const context = { netuid, now: now(), maxTtlMs, isMember: params.isMember, bodies: params.bodies, replays }
    const verdict = checked.ok ? judgeEnvelope(checked.envelope, checked.signature, context) : checked
    if (!verdict.ok) {
      log.debug('gossip message not accepted', {
        from: peer.toString(),
        verdict: verdict.verdict,
        reason: verdict.reason,
      })
      return verdict.verdict === 'reject' ? TopicValidatorResult.Reject : TopicValidatorResult.Ignore
    }
    if (checked.ok) {
      const { v: _v, ...rest } = verdict.envelope
      accepted.set(msg.data, { ...rest, from: peer.toString() })
    }
    return TopicValidatorResult.Accept
  }

  const onMessage = (evt: CustomEvent<Message>) => {
    const msg = evt.detail
    if (msg.topic !== topic) return
    // Only messages the validator accepted reach this event; it left the parsed form here.
    const message = accepted.get(msg.data)
    if (message === undefined) return
    accepted.delete(msg.data)
    for (const handler of handlers) {
      Promise.resolve()
        .then(() => handler(message))
        .catch((err) => log.warn('gossip handler failed', { type: message.type, error: String(err) }))
    }
  }

  pubsub.topicValidators.set(topic, validate)
  pubsub.addEventListener('message', onMessage)
  pubsub.subscribe(topic)

  return {
    topic,
    async publish(type, round, body, opts) {
      if (stopped) throw new GossipStoppedError()
      if (!Number.isInteger(opts.ttlMs) || opts.ttlMs <= 0 || opts.ttlMs > maxTtlMs) {
        throw new InvalidGossipMessageError(`ttlMs must be an integer in 1..${maxTtlMs}`)
      }
      const envelope: Envelope = {
        v: ENVELOPE_VERSION,
        type,
        netuid,
        round,
        expiresAt: now() + opts.ttlMs,
        hotkey: signer.address,
        body,
      }
      let data: Uint8Array
      try {
        data = encodeSigned(envelope, signer)
      } catch (err) {
        throw new InvalidGossipMessageError(`the body is not plain JSON (${(err as Error).message})`)
      }
      // Our own message must pass the checks every receiver applies, or it would be dropped silently.
      const self = checkWire(data, maxBytes)
      if (!self.ok) throw new InvalidGossipMessageError(self.reason)
      const result = await pubsub.publish(topic, data)
      return { recipients: result.recipients.length }
    },
    subscribe(handler) {
      handlers.add(handler)
      return () => handlers.delete(handler)
    },
    stop() {
      if (stopped) return
      stopped = true
      handlers.clear()
      pubsub.removeEventListener('message', onMessage)
      if (pubsub.topicValidators.get(topic) === validate) pubsub.topicValidators.delete(topic)
      try {
        pubsub.unsubscribe(topic)
      } catch {
        // The libp2p node may already be stopped; leaving the topic then has nothing to do.
      }
    },
  }
}
