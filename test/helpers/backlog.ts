// A backlog of webhooks already stored, for the tests and benchmarks that start from one
// (test/worker/batched-mirror.test.ts, bench/drain.ts): wire events as the receiver appends
// them, and appending many at once.
import type { WireEvent } from '../../src/events/index.js';
import type { NewEvent, Store } from '../../src/store/types.js';

/** Each event as the receiver appends a webhook of it: its body, received at `receivedAt`. */
export function asReceived(events: readonly WireEvent[], receivedAt: Date): NewEvent[] {
  return events.map((wire) => ({
    id: wire.id,
    event: wire.event,
    createdAt: wire.created_at,
    receivedAt,
    rawBody: Buffer.from(JSON.stringify(wire)),
    source: 'webhook',
  }));
}

/**
 * Append `events`, `inFlight` at a time: concurrent appends share commits (the store's group
 * commit), so a large backlog is stored in seconds without holding every promise at once.
 */
export async function appendBacklog(
  store: Pick<Store, 'append'>,
  events: readonly NewEvent[],
  inFlight = 4000,
): Promise<void> {
  for (let i = 0; i < events.length; i += inFlight) {
    await Promise.all(events.slice(i, i + inFlight).map((e) => store.append(e)));
  }
}
