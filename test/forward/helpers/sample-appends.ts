import type { Store } from '../../../src/store/types.js';
import { sampleEvent } from '../../../src/testing/sample-event.js';

/** Append `seeds.length` sample `dsync.user.created` webhooks (one per seed), received at `at`. */
export async function appendSampleUsers(
  store: Store,
  seeds: readonly number[],
  at: number,
): Promise<void> {
  for (const seed of seeds) {
    const event = sampleEvent('dsync.user.created', { seed });
    await store.append({
      id: event.id,
      event: event.event,
      createdAt: event.created_at,
      rawBody: Buffer.from(JSON.stringify(event)),
      source: 'webhook',
      receivedAt: new Date(at),
    });
  }
}
