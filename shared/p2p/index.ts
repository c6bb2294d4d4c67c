export { canonicalJson } from './canonicalJson.ts'
export {
  type CreateGossipParameters,
  createGossip,
  DEFAULT_MAX_MESSAGE_BYTES,
  DEFAULT_MAX_TTL_MS,
  type Gossip,
  type GossipHandler,
  type GossipMessage,
  gossipTopic,
} from './createGossip.ts'
export { type CheckResult, checkWire, ENVELOPE_VERSION, type Envelope, encodeSigned, signingBytes } from './envelope.ts'
export { GossipStoppedError, InvalidGossipMessageError } from './errors.ts'
export {
  createReplayGuard,
  type JudgeContext,
  judgeEnvelope,
  type ReplayGuard,
  type Verdict,
} from './judgeEnvelope.ts'
