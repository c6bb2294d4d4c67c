import { BaseError } from '../errors/index.ts'

/** A gossip body that cannot be sent: not plain JSON, or too large once signed. */
export class InvalidGossipMessageError extends BaseError {
  override name = 'InvalidGossipMessageError'
  constructor(reason: string) {
    super('p2p.invalid-message', `Cannot publish this gossip message: ${reason}.`)
  }
}

/** Gossip used after `stop()`. */
export class GossipStoppedError extends BaseError {
  override name = 'GossipStoppedError'
  constructor() {
    super('p2p.stopped', 'Gossip is stopped.', { details: 'Create a new gossip instance to publish again.' })
  }
}
