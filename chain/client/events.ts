import type { EventRecord } from '@polkadot/types/interfaces'

/** The events of `section.method` among `events`, in order. */
export function findEvents(events: readonly EventRecord[], section: string, method: string): EventRecord[] {
  return events.filter((r) => r.event.section === section && r.event.method === method)
}

/** The first event of `section.method`, or undefined. */
export function findEvent(events: readonly EventRecord[], section: string, method: string): EventRecord | undefined {
  return events.find((r) => r.event.section === section && r.event.method === method)
}
