import { describe, expect, test } from 'vitest'
import { UsageError } from '../../shared/errors/index.ts'
import { checkParticipants } from './checkParticipants.ts'

describe('checkParticipants', () => {
  test('default: a devnet that fits the uid cap passes', () => {
    expect(() => checkParticipants({ miners: 250, validators: 3, adversaries: ['sybil'] }, 256)).not.toThrow()
  })

  test('error: more participants than uids is a usage error naming the count and the cap', () => {
    expect(() => checkParticipants({ miners: 100_000, validators: 2 }, 256)).toThrow(UsageError)
    expect(() => checkParticipants({ miners: 100_000, validators: 2 }, 256)).toThrow(
      /100000 miners, 2 validators and 0 adversarial miners are 100002 participants; the subnet has 256 uids/,
    )
    // A sybil kind runs two processes.
    expect(() => checkParticipants({ miners: 252, validators: 3, adversaries: ['sybil'] }, 256)).toThrow(
      /257 participants/,
    )
  })
})
