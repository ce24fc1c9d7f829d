// A worker starts no handler once stop() is called, even when stop() comes after the worker's own
// check but before the handler's transaction is ready (the SQLite write lock awaited, a PostgreSQL
// connection, BEGIN, the lease check): the single-event path checks inside its transaction; the
// batch path (completeMany) ran its first item regardless. The moment is held open by a store whose
// complete/completeMany wait for the test before starting their transaction.
import { afterEach, describe, expect, it } from 'vitest';
import { openMigratedStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/types.js';
import { createWorker } from '../../src/worker/create-worker.js';
import { backendKinds, createBackend } from '../inbox/helpers/backends.js';
import { manualClock } from '../inbox/helpers/events.js';
import { newEvent } from '../store/backends.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe.each(backendKinds)('stop() while a transaction begins, on %s', (kind) => {
  it.each([
    ['one event per transaction (complete)', 1],
    ['a batch per transaction (completeMany)', 3],
  ])('%s: no handler starts; the events are given back uncounted', async (_, batchSize) => {
    const backend = await createBackend(kind, 'wi_stop_begin');
    cleanups.push(backend.cleanup);
    const store = await openMigratedStore({ database: backend.database });
    cleanups.push(() => store.close());
    const clock = manualClock();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const event = newEvent({ receivedAt: new Date(clock.now()) });
      await store.append(event);
      ids.push(event.id);
    }

    let entered!: () => void;
    const transactionBegins = new Promise<void>((r) => (entered = r));
    let go!: () => void;
    const gate = new Promise<void>((r) => (go = r));
    const held: Store = Object.create(store) as Store;
    held.complete = async (...args) => {
      entered();
      await gate;
      return store.complete(...args);
    };
    held.completeMany = async (...args) => {
      entered();
      await gate;
      return store.completeMany(...args);
    };
    const started: string[] = [];
    const worker = createWorker({
      store: held,
      handlers: {
        handlersFor: () => [
          (_event, ctx) => {
            started.push(ctx.eventId);
          },
        ],
      },
      clock,
      batchSize,
    });
    worker.start();
    await transactionBegins;
    const stopping = worker.stop();
    go();
    await stopping;

    expect(started).toEqual([]);
    for (const id of ids) {
      expect(await store.get(id)).toMatchObject({ status: 'pending', attempts: 0 });
    }
  });
});
