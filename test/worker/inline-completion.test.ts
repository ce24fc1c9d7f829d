import { afterEach, describe, expect, it } from 'vitest';
import type { WireEvent } from '../../src/events/index.js';
import { openMigratedStore } from '../../src/store/open-store.js';
import type {
  ClaimOptions,
  ClaimOrCompleteResult,
  InlineCompletion,
  Store,
} from '../../src/store/types.js';
import { createWorker } from '../../src/worker/create-worker.js';
import type { HandlerSource } from '../../src/worker/handler-source.js';
import { appendBacklog } from '../helpers/backlog.js';
import { backendKinds, createBackend, type BackendKind } from '../inbox/helpers/backends.js';
import { eventBody, manualClock } from '../inbox/helpers/events.js';

// With handlers that only collect writes (the built-in mirror), the worker applies due events in
// the claim's own transaction (Store.claimOrComplete): many while nothing else wants the write
// lock, few while requests arrive or (SQLite) another writer waited.

const clock = manualClock();
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The events `ids` as received in this order, `agoMs` before the clock's now. */
function received(
  ids: readonly string[],
  name = (_: number) => 'dsync.user.created',
  agoMs = 60_000,
) {
  return ids.map((id, i) => ({
    id,
    event: name(i),
    createdAt: '2026-11-27T10:00:00.000Z',
    receivedAt: new Date(clock.now() - agoMs + i),
    rawBody: Buffer.from(eventBody(id, name(i))),
    source: 'webhook' as const,
  }));
}

async function storeWithBacklog(
  kind: BackendKind,
  ids: readonly string[],
  name?: (i: number) => string,
) {
  const backend = await createBackend(kind, 'wi_inline');
  const store = await openMigratedStore({ database: backend.database });
  cleanups.push(backend.cleanup, () => store.close());
  await appendBacklog(store, received(ids, name));
  return store;
}

/** The store, recording each claimOrComplete's limits and forcing the `contended` it reports. */
function observed(store: Store, contendedAnswers: boolean[] = []) {
  const calls: { limit: number; inlineLimit: number; done: number; claimed: number }[] = [];
  const proxy: Store = Object.create(store) as Store;
  proxy.claimOrComplete = async (options: ClaimOptions, inline: InlineCompletion) => {
    const result: ClaimOrCompleteResult = await store.claimOrComplete!(options, inline);
    calls.push({
      limit: options.limit,
      inlineLimit: inline.limit,
      done: result.done.length,
      claimed: result.claimed.length,
    });
    return { ...result, contended: contendedAnswers.shift() ?? result.contended };
  };
  return { proxy, calls };
}

/** Collects event ids; `perEvent` names the events that also run a handler of their own. */
function collecting(perEventNames: readonly string[] = []) {
  const applied: string[] = [];
  const handled: string[] = [];
  const handlers: HandlerSource = {
    handlersFor: (name) =>
      perEventNames.includes(name) ? [(_event, context) => void handled.push(context.eventId)] : [],
    batching: {
      key: () => 'one',
      perEvent: (name) =>
        perEventNames.includes(name)
          ? [(_event, context) => void handled.push(context.eventId)]
          : [],
      open() {
        let collected: WireEvent[] = [];
        return {
          add: (wire) => void collected.push(wire),
          async flush() {
            applied.push(...collected.map((wire) => wire.id));
            collected = [];
          },
        };
      },
    },
  };
  return { handlers, applied, handled };
}

const ids = (n: number, prefix = 'evt_inline') =>
  Array.from({ length: n }, (_, i) => `${prefix}_${String(i).padStart(3, '0')}`);

/** Small sizes, so a few dozen events make several claims. */
const small = { clock, batchSize: 4, concurrency: 2, drainBatchSize: 20 };

describe.each(backendKinds)('the worker on %s with handlers that only collect', (kind) => {
  // A claim's size when it must stay small: max(concurrency, batchSize), × 4 on PostgreSQL.
  const claimLimit = kind === 'postgres' ? 16 : 4;
  it('applies a quiet backlog in transactions of drainBatchSize, each event once, with no lease', async () => {
    const backlog = ids(45);
    const store = await storeWithBacklog(kind, backlog);
    const { proxy, calls } = observed(store);
    const { handlers, applied } = collecting();
    const worker = createWorker({ store: proxy, handlers, ...small });

    expect(await worker.drain()).toBe(45);

    expect(applied).toEqual(backlog);
    expect(calls.map((c) => c.inlineLimit)).toEqual([20, 20, 20, 20]);
    expect(calls.map((c) => c.done)).toEqual([20, 20, 5, 0]);
    expect(calls.every((c) => c.claimed === 0)).toBe(true);
    const stats = await store.stats(new Date(clock.now()));
    expect(stats.byStatus.done).toBe(45);
    expect((await store.attempts(backlog[0]!)).map((a) => a.outcome)).toEqual(['done']);
  });

  it('takes small bites (claimLimit) after a claim another writer waited on, and while requests are in flight', async () => {
    const backlog = ids(60);
    const store = await storeWithBacklog(kind, backlog);
    // The second claim reports that something waited for the write lock.
    const { proxy, calls } = observed(store, [false, true, false]);
    let receiving = false;
    const { handlers, applied } = collecting();
    const worker = createWorker({
      store: proxy,
      handlers,
      ...small,
      shareUnderLoad: 1,
      underLoad: () => receiving,
    });

    expect(await worker.drain()).toBe(60);
    receiving = true;
    const more = ids(6, 'evt_loaded');
    await appendBacklog(store, received(more, undefined, 1_000));
    expect(await worker.drain()).toBe(6);

    // Quiet: 20; after the contended claim: claimLimit; quiet again: 20 until none is due; then,
    // receiving: claimLimit at a time until none is due.
    const loaded = Array.from({ length: Math.ceil(6 / claimLimit) + 1 }, () => claimLimit);
    expect(calls.map((c) => c.inlineLimit)).toEqual([20, 20, claimLimit, 20, 20, ...loaded]);
    expect(applied).toEqual([...backlog, ...more]);
  });

  it('leases the events that also run a handler of their own, and runs that handler once', async () => {
    const backlog = ids(12);
    const name = (i: number) => (i % 3 === 0 ? 'dsync.group.created' : 'dsync.user.created');
    const store = await storeWithBacklog(kind, backlog, name);
    const { proxy, calls } = observed(store);
    const { handlers, applied, handled } = collecting(['dsync.group.created']);
    const worker = createWorker({ store: proxy, handlers, clock, batchSize: 4, concurrency: 2 });

    expect(await worker.drain()).toBe(12);

    const groups = backlog.filter((_, i) => i % 3 === 0);
    expect(handled).toEqual(groups);
    // Collected in the claim, or (the groups) collected and applied on the leased path.
    expect([...applied].sort()).toEqual([...backlog].sort());
    expect(calls.reduce((sum, c) => sum + c.claimed, 0)).toBe(groups.length);
    expect(calls.every((c) => c.claimed <= c.limit)).toBe(true);
    for (const id of groups) {
      expect((await store.attempts(id)).map((a) => a.outcome)).toEqual(['done']);
    }
    expect((await store.stats(new Date(clock.now()))).byStatus.done).toBe(12);
  });
});
