// A destination's `rate=` limit, counted on an injected clock: the forwarder starts at most one
// attempt per 1000 / rate ms of that clock, however many deliveries are due, on both backends.
import { afterEach, describe, expect, it } from 'vitest';
import { createForwarder } from '../../src/forward/create-forwarder.js';
import { listDeliveries } from '../../src/forward/delivery-queries.js';
import { parseDestinations } from '../../src/forward/parse-destinations.js';
import { openStore } from '../../src/store/open-store.js';
import { backendKinds, createBackend } from '../inbox/helpers/backends.js';
import { startEndpoint, until } from './helpers/endpoint.js';
import { appendSampleUsers } from './helpers/sample-appends.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => {});
});

/** A clock that moves only when the test says, and sleeps that end when it has moved far enough. */
function manualClock(start: number) {
  let now = start;
  const sleepers: { at: number; wake: () => void }[] = [];
  return {
    clock: { now: () => now },
    sleep: (ms: number) =>
      new Promise<void>((wake) => {
        sleepers.push({ at: now + ms, wake });
      }),
    /** Sleeps waiting on the clock. */
    get sleeping() {
      return sleepers.length;
    },
    advance(ms: number) {
      now += ms;
      for (const s of sleepers.filter((x) => x.at <= now)) {
        sleepers.splice(sleepers.indexOf(s), 1);
        s.wake();
      }
    },
  };
}

describe.each(backendKinds)('rate= on %s', (kind) => {
  it('starts at most rate attempts per second of the clock, however many are due', async () => {
    const backend = await createBackend(kind, 'wi_forward_rate');
    cleanups.push(backend.cleanup);
    const store = await openStore({ database: backend.database });
    cleanups.push(() => store.close());
    await store.migrate();
    const endpoint = await startEndpoint((_r, res) => void res.writeHead(204).end());
    cleanups.push(() => endpoint.close());
    const time = manualClock(Date.now());
    const forwarder = createForwarder({
      store,
      // Concurrency 8 would send all twelve at once: only the rate holds them back.
      destinations: parseDestinations(`${endpoint.url};name=paced;rate=4;concurrency=8`, {
        secret: 'whsec_rate_test',
        timeoutMs: 10_000,
        concurrency: 8,
        ordered: false,
        maxAttempts: 10,
        backoff: { baseMs: 1000, capMs: 1000 },
      }),
      clock: time.clock,
      sleep: time.sleep,
      idlePollMs: 20,
    });
    cleanups.push(() => {
      // A stop waits for a paced start: let the clock run out.
      time.advance(60_000);
      return forwarder.close();
    });
    await forwarder.register();
    await appendSampleUsers(
      store,
      Array.from({ length: 12 }, (_, i) => i + 1),
      time.clock.now(),
    );
    await forwarder.start();
    // The first attempt starts at once; the second waits for 250 ms of the clock.
    await until(() => endpoint.received.length === 1 && time.sleeping === 1, 'the first attempt');
    expect(endpoint.received).toHaveLength(1);
    // Each quarter second of the clock lets exactly one more attempt start: 4 per second.
    for (let step = 1; step <= 8; step++) {
      time.advance(250);
      await until(
        () => endpoint.received.length === 1 + step && time.sleeping === 1,
        `attempt ${1 + step}`,
      );
      expect(endpoint.received).toHaveLength(1 + step);
    }
    // Two seconds of the clock: 1 + 8 attempts of the 12 due. After a long pause, the overdue
    // start and one more, then the spacing again: no burst of the whole backlog.
    time.advance(10_000);
    await until(() => endpoint.received.length === 11 && time.sleeping === 1, 'after a jump');
    expect(endpoint.received).toHaveLength(11);
    time.advance(250);
    await until(
      async () =>
        (
          await store.read((db) => listDeliveries(db, { destination: 'paced', limit: 100 }))
        ).deliveries.filter((d) => d.status === 'delivered').length === 12,
      'all twelve delivered',
    );
    expect(endpoint.received).toHaveLength(12);
  });
});
