// A destination that has caught up claims the deliveries queued within `claimCoalesceMs` of its
// last claim together, when that window has passed: one claim, one transaction and one burst of
// requests instead of one each. A sparse event (no claim within the window) is claimed at once; an
// ordered destination never waits. The runner's clock is a test's: the window passes when the test moves it.
import { afterEach, describe, expect, it } from 'vitest';
import { createForwarder } from '../../src/forward/create-forwarder.js';
import { eventDeliveries } from '../../src/forward/delivery-queries.js';
import { parseDestinations } from '../../src/forward/parse-destinations.js';
import { newEvent, t0, useBackends } from '../store/backends.js';
import { startEndpoint, until } from './helpers/endpoint.js';
import type { TestEndpoint } from './helpers/endpoint.js';

const backends = useBackends();
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => {});
});

describe.each(backends)('claims coalesced once caught up, $name', (backend) => {
  async function setup(ordered: boolean) {
    const store = await backend.fresh().open();
    await store.migrate();
    if (backend.name === 'postgres') {
      // PostgreSQL's LISTEN connection wakes its subscribers once it is up (what was appended
      // before it listened is not missed). Let that wake-up pass before the forwarder starts: once
      // the test has moved the clock, a claim it caused would open a window of its own.
      await new Promise<void>((resolve) => {
        const off = store.onWake(() => {
          off();
          resolve();
        });
      });
    }
    const endpoint: TestEndpoint = await startEndpoint((_req, res) => res.writeHead(204).end());
    cleanups.push(() => endpoint.close());
    let now = t0.getTime();
    const clock = { now: () => now };
    const forwarder = createForwarder({
      store,
      clock,
      claimCoalesceMs: 60_000,
      destinations: parseDestinations(`${endpoint.url};name=app${ordered ? ';ordered=true' : ''}`, {
        secret: 'whsec_coalesce',
        timeoutMs: 10_000,
        concurrency: 4,
        ordered: false,
        maxAttempts: 3,
        backoff: { baseMs: 1000, capMs: 60_000 },
      }),
    });
    await forwarder.start();
    cleanups.push(() => forwarder.close());
    const startedAt = async (id: string) => {
      const [d] = await store.read((db) => eventDeliveries(db, id));
      return d!.attemptLog.map((a) => a.startedAt.getTime() - t0.getTime());
    };
    return {
      store,
      endpoint,
      forwarder,
      startedAt,
      advance: (ms: number) => (now += ms),
    };
  }

  it('a sparse event goes at once; those queued within the window wait for it and go together', async () => {
    const { store, endpoint, forwarder, startedAt, advance } = await setup(false);
    // The destination's first claim, at start, found nothing; a window later an event is sparse.
    advance(60_000);
    const first = newEvent();
    await store.append(first);
    await until(() => endpoint.received.length === 1, 'the first delivery');
    expect(await startedAt(first.id)).toEqual([60_000]);

    const later = Array.from({ length: 10 }, () => newEvent());
    for (const e of later) await store.append(e);
    // Each append woke the destination; within the window none of them is claimed.
    await new Promise((r) => setTimeout(r, 300));
    expect(endpoint.received).toHaveLength(1);

    advance(60_000);
    forwarder.wake();
    await until(() => endpoint.received.length === 11, 'the coalesced deliveries');
    // All ten in the claim made once the window had passed.
    for (const e of later) expect(await startedAt(e.id)).toEqual([120_000]);
  });

  it('an ordered destination claims at every wake-up', async () => {
    const { store, endpoint, startedAt } = await setup(true);
    const events = Array.from({ length: 5 }, () => newEvent());
    for (const e of events) {
      await store.append(e);
      await until(
        () => endpoint.received.length === events.indexOf(e) + 1,
        'each delivery in its turn',
      );
    }
    for (const e of events) expect(await startedAt(e.id)).toEqual([0]);
  });
});
