import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WireEvent } from '../../src/events/index.js';
import { openMigratedStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/types.js';
import { createWorker } from '../../src/worker/create-worker.js';
import type { HandlerSource } from '../../src/worker/handler-source.js';
import { appendBacklog } from '../helpers/backlog.js';
import { backendKinds, createBackend } from '../inbox/helpers/backends.js';
import { eventBody, manualClock } from '../inbox/helpers/events.js';

// With batching handlers (the built-in mirror) the worker groups claimed events by key (the
// mirror: a directory) and completes each key's batches one after the other. On PostgreSQL the
// batches of one key used to run at once, each on its own connection: the mirror's would queue on
// the directory lock, one connection parked per batch, and a handler without such a lock would
// see one key's batches overlap and finish out of order.
describe.each(backendKinds)('the batches of one key on %s', (kind) => {
  const clock = manualClock();
  let store: Store;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    const backend = await createBackend(kind, 'wi_key_chains');
    cleanup = backend.cleanup;
    store = await openMigratedStore({ database: backend.database });
  });

  afterAll(async () => {
    await store.close();
    await cleanup();
  });

  it('run one at a time, in the order received; different keys are all completed', async () => {
    const ids = Array.from({ length: 16 }, (_, i) => `evt_chain_${String(i).padStart(2, '0')}`);
    await appendBacklog(
      store,
      ids.map((id, i) => ({
        id,
        event: 'dsync.user.created',
        createdAt: '2026-11-27T10:00:00.000Z',
        receivedAt: new Date(clock.now() - 60_000 + i),
        rawBody: Buffer.from(eventBody(id)),
        source: 'webhook' as const,
      })),
    );
    const keyOf = (wire: WireEvent) => `key_${Number(wire.id.slice(-2)) % 2}`;
    const running = new Map<string, number>();
    let mostAtOnce = 0;
    const flushed = new Map<string, string[][]>();
    // A handler of its own besides the collected writes: these events are leased and completed
    // in chains (with writes that only collect, the claim applies them itself: see
    // inline-completion.test.ts).
    const own = () => {};
    const handlers: HandlerSource = {
      handlersFor: () => [own],
      batching: {
        key: keyOf,
        perEvent: () => [own],
        open() {
          let collected: WireEvent[] = [];
          return {
            add(wire) {
              collected.push(wire);
            },
            async flush() {
              if (collected.length === 0) return;
              const key = keyOf(collected[0]!);
              const batch = collected.map((w) => w.id);
              collected = [];
              running.set(key, (running.get(key) ?? 0) + 1);
              mostAtOnce = Math.max(mostAtOnce, running.get(key)!);
              // Leave room for another batch of the same key to start meanwhile.
              await new Promise((resolve) => setTimeout(resolve, 20));
              running.set(key, running.get(key)! - 1);
              flushed.set(key, [...(flushed.get(key) ?? []), batch]);
            },
          };
        },
      },
    };
    const worker = createWorker({ store, handlers, clock, batchSize: 2, concurrency: 8 });

    expect(await worker.drain()).toBe(16);

    expect(mostAtOnce).toBe(1);
    const even = ids.filter((_, i) => i % 2 === 0);
    const odd = ids.filter((_, i) => i % 2 === 1);
    expect(flushed.get('key_0')!.flat()).toEqual(even);
    expect(flushed.get('key_1')!.flat()).toEqual(odd);
    expect(flushed.get('key_0')!.every((batch) => batch.length <= 2)).toBe(true);
    const stats = await store.stats(new Date(clock.now()));
    expect(stats.byStatus.done).toBe(16);
  });
});
