// serve --pull / work --pull's loop: with two processes (two stores on one database) only one
// pulls; a holder that dies is replaced once its lease expires, one that stops hands over at once.
// Time comes from an injected clock; ticks are called directly (no timers).
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createPullMetrics } from '../../src/metrics/pull-metrics.js';
import { PullLoop, pullerLeaseName } from '../../src/pull/pull-loop.js';
import { readNamedLease } from '../../src/store/pull-operations.js';
import { generateDirectoryHistory } from '../../src/testing/directory-history.js';
import { eventTimeMs } from '../../src/workos-api/event-time.js';
import { WorkosApiClient } from '../../src/workos-api/workos-api-client.js';
import { waitFor } from '../e2e/cli-harness.js';
import { useBackends } from '../store/backends.js';
import { startWorkosApiStandIn } from '../helpers/workos-api-stand-in.js';
import type { WorkosApiStandIn } from '../helpers/workos-api-stand-in.js';
import { capturedLogs } from '../helpers/captured-logs.js';

const { events } = generateDirectoryHistory({ seed: 4, events: 300 });
const backends = useBackends();
let api: WorkosApiStandIn;
beforeAll(async () => {
  api = await startWorkosApiStandIn();
});
afterAll(() => api.close());
beforeEach(() => {
  api.events = [];
});

describe.each(backends)('PullLoop on $name', (backend) => {
  it('one of two pulls; the other takes over when the holder dies or stops', async () => {
    const db = backend.fresh();
    const [storeA, storeB] = [await db.open(), await db.open()];
    await storeA.migrate();
    let now = Date.parse('2026-03-01T00:00:00Z');
    const clock = { now: () => now };
    const client = new WorkosApiClient({ apiKey: api.apiKey, apiUrl: api.url, maxRetries: 0 });
    const metricsOf = new Map<string, ReturnType<typeof createPullMetrics>>();
    const make = (store: typeof storeA, owner: string) => {
      const metrics = createPullMetrics({ clock });
      metricsOf.set(owner, metrics);
      return new PullLoop({
        store,
        client,
        logger: pino({ level: 'silent' }),
        metrics,
        leaseMs: 10_000,
        owner,
        clock,
        since: '2020-01-01T00:00:00Z',
      });
    };
    const lag = async (owner: string) => lagSeconds(metricsOf.get(owner)!);
    const a = make(storeA, 'a');
    const b = make(storeB, 'b');
    api.events = events.slice(0, 100);
    await a.tick();
    await b.tick();
    expect([a.holding, b.holding]).toEqual([true, false]);
    const count = async () => (await storeA.stats(new Date(now))).byStatus.pending;
    expect(await count()).toBe(100);
    // a dies (no more ticks, lease not released); b waits out the lease, then pulls the rest.
    api.events = events.slice(0, 200);
    now += 9_000;
    const before = api.requests.length;
    await b.tick();
    expect(b.holding).toBe(false);
    expect(api.requests.length).toBe(before);
    expect(await lag('b')).toBe(0);
    now += 2_000;
    await b.tick();
    expect(b.holding).toBe(true);
    expect(await count()).toBe(200);
    expect(await lag('b')).toBe((now - eventTimeMs(events[199]!.created_at)) / 1000);
    // a comes back (it was paused, not dead): it stands by, and its lag no longer counts (summed
    // across processes, a stale and growing age would add to the holder's).
    expect(await lag('a')).toBeGreaterThan(0);
    await a.tick();
    expect(a.holding).toBe(false);
    expect(await lag('a')).toBe(0);
    // b stops cleanly: its lease is released and a new process takes over without waiting.
    await b.stop();
    const c = make(storeA, 'c');
    api.events = events;
    await c.tick();
    expect(c.holding).toBe(true);
    expect(await count()).toBe(300);
  });

  it('a holder waiting out a Retry-After longer than its lease keeps the lease', async () => {
    const db = backend.fresh();
    const [storeA, storeB] = [await db.open(), await db.open()];
    await storeA.migrate();
    let now = Date.parse('2026-03-01T00:00:00Z');
    const clock = { now: () => now };
    let sleeping: ((ms: number) => void) | undefined;
    let wake: () => void = () => {};
    const clientA = new WorkosApiClient({
      apiKey: api.apiKey,
      apiUrl: api.url,
      maxRetries: 1,
      sleep: (ms) => {
        sleeping?.(ms);
        return new Promise<void>((resolve) => (wake = resolve));
      },
    });
    const clientB = new WorkosApiClient({ apiKey: api.apiKey, apiUrl: api.url, maxRetries: 0 });
    const make = (store: typeof storeA, owner: string, client: WorkosApiClient) =>
      new PullLoop({
        store,
        client,
        logger: pino({ level: 'silent' }),
        leaseMs: 10_000,
        heartbeatMs: 1,
        owner,
        clock,
        since: '2020-01-01T00:00:00Z',
      });
    const a = make(storeA, 'a', clientA);
    const b = make(storeB, 'b', clientB);
    api.events = events.slice(0, 100);
    api.failNext({ status: 429, retryAfter: '60' });
    const slept = new Promise<number>((resolve) => (sleeping = resolve));
    const ticking = a.tick();
    expect(await slept).toBe(60_000);
    // WorkOS asked for a minute; the lease lasts 10 s unrenewed. The clock moves on 30 s while a
    // waits, and its heartbeat renews the lease from there.
    now += 30_000;
    await waitFor(
      async () =>
        (await storeB.read((tx) => readNamedLease(tx, pullerLeaseName)))?.expiresAt.getTime() ===
        now + 10_000,
      'the holder to renew its lease during the wait',
    );
    const requests = api.requests.length;
    await b.tick();
    expect(b.holding).toBe(false);
    expect(api.requests.length).toBe(requests);
    wake();
    await ticking;
    expect(a.holding).toBe(true);
    expect((await storeA.stats(new Date(now))).byStatus.pending).toBe(100);
    await a.stop();
    await storeB.close();
  });

  it('a Retry-After longer than the client waits pauses pulling until then, said once', async () => {
    const store = await backend.fresh().open();
    await store.migrate();
    api.events = events.slice(0, 50);
    let now = Date.parse('2026-03-01T00:00:00Z');
    const clock = { now: () => now };
    const { lines, logger } = capturedLogs<{ level: number; msg: string; until?: string }>();
    const client = new WorkosApiClient({
      apiKey: api.apiKey,
      apiUrl: api.url,
      clock,
      sleep: () => Promise.reject(new Error('no wait expected')),
    });
    const loop = new PullLoop({ store, client, logger, clock, since: '2020-01-01T00:00:00Z' });
    api.failNext({ status: 429, retryAfter: '3600' });
    const before = api.requests.length;
    await loop.tick();
    expect(api.requests.length).toBe(before + 1);
    const paused = lines.filter((l) => l.msg.startsWith('Events API pull paused'));
    expect(paused).toHaveLength(1);
    expect(paused[0]!.msg).toContain(
      "until 2026-03-01T01:00:00.000Z, as WorkOS's Retry-After asks",
    );
    // Rounds before then ask WorkOS nothing and say nothing more.
    now += 3599_000;
    await loop.tick();
    expect(api.requests.length).toBe(before + 1);
    expect(lines.filter((l) => l.msg.startsWith('Events API pull paused'))).toHaveLength(1);
    // Then it pulls on, nothing lost.
    now += 1000;
    await loop.tick();
    expect((await store.pullCursor('events_api'))!.after).toBe(events[49]!.id);
    await loop.stop();
  });

  it('a pause WorkOS asked for survives its process: killed or restarted, the next holder asks nothing before it ends, says once that it waits, then pulls on', async () => {
    const db = backend.fresh();
    const [storeA, storeB] = [await db.open(), await db.open()];
    await storeA.migrate();
    const started = Date.parse('2026-03-01T00:00:00Z');
    let now = started;
    const clock = { now: () => now };
    const { lines, logger } = capturedLogs<{
      level: number;
      msg: string;
      until?: string;
      reason?: string;
    }>();
    const client = new WorkosApiClient({
      apiKey: api.apiKey,
      apiUrl: api.url,
      clock,
      sleep: () => Promise.reject(new Error('no wait expected')),
    });
    const make = (store: typeof storeA, owner: string) =>
      new PullLoop({
        store,
        client,
        logger,
        leaseMs: 10_000,
        owner,
        clock,
        since: '2020-01-01T00:00:00Z',
      });
    const waits = () => lines.filter((l) => l.msg.startsWith('Events API pull waits until'));
    api.events = events.slice(0, 50);
    api.failNext({ status: 429, retryAfter: '3600' });
    const before = api.requests.length;
    const a = make(storeA, 'a');
    await a.tick();
    expect(api.requests.length).toBe(before + 1);
    // a is killed (SIGKILL, a crash): no more rounds, its lease neither renewed nor given back.
    // b takes the lease once it has run out, and asks WorkOS nothing before the hour ends.
    const b = make(storeB, 'b');
    now += 10_000;
    await b.tick();
    expect(b.holding).toBe(true);
    expect(api.requests.length).toBe(before + 1);
    const until = new Date(started + 3600_000).toISOString();
    expect(waits()).toEqual([
      expect.objectContaining({
        level: 40,
        until,
        reason: 'GET /events: 429 injected 429, with a Retry-After of 3600 s (1 h)',
        msg: `Events API pull waits until ${until}: WorkOS asked not to be asked again before then (GET /events: 429 injected 429, with a Retry-After of 3600 s (1 h)), a pause kept in the database; webhooks are still received, and pulling goes on from the cursor then`,
      }),
    ]);
    now = started + 3600_000 - 1;
    await b.tick();
    expect(api.requests.length).toBe(before + 1);
    expect(waits()).toHaveLength(1);
    // Then it pulls on from the cursor, nothing lost.
    now += 1;
    await b.tick();
    expect((await storeB.pullCursor('events_api'))!.after).toBe(events[49]!.id);
    // A clean stop (a deploy) gives the lease back, and the pause stays with it: the process
    // that takes over at once waits for it too.
    api.events = events.slice(0, 80);
    api.failNext({ status: 429, retryAfter: '600' });
    const second = api.requests.length;
    await b.tick();
    expect(api.requests.length).toBe(second + 1);
    await b.stop();
    const c = make(storeA, 'c');
    await c.tick();
    expect(c.holding).toBe(true);
    expect(api.requests.length).toBe(second + 1);
    now += 600_000;
    await c.tick();
    expect((await storeA.pullCursor('events_api'))!.after).toBe(events[79]!.id);
    // Over: the lease given back is gone whole, as before any pause.
    await c.stop();
    expect(await storeA.read((tx) => readNamedLease(tx, pullerLeaseName))).toBeUndefined();
    await storeB.close();
  });

  it('a WorkOS outage is counted, not thrown; metrics report pages, outcomes and lag', async () => {
    const db = backend.fresh();
    const store = await db.open();
    await store.migrate();
    let now = eventTimeMs(events[99]!.created_at) + 60_000;
    const metrics = createPullMetrics({ clock: { now: () => now } });
    const client = new WorkosApiClient({
      apiKey: api.apiKey,
      apiUrl: api.url,
      maxRetries: 1,
      sleep: async () => {},
      onError: (status) => metrics.apiError(status),
    });
    const loop = new PullLoop({
      store,
      client,
      logger: pino({ level: 'silent' }),
      metrics,
      clock: { now: () => now },
      since: '2020-01-01T00:00:00Z',
    });
    api.events = events.slice(0, 100);
    api.failNext({ status: 503 }, { status: 503 });
    await loop.tick();
    let text = await metrics.registry.metrics();
    expect(text).toContain('workos_inbox_pull_api_errors_total{status="503"} 2');
    expect(text).toContain('workos_inbox_pull_last_success_timestamp_seconds 0');
    await loop.tick();
    text = await metrics.registry.metrics();
    expect(text).toContain('workos_inbox_pull_events_total{outcome="inserted"} 100');
    expect(text).toContain('workos_inbox_pull_pages_total 2');
    expect(text).toContain('workos_inbox_pull_lag_seconds 60');
    expect(text).toContain(`workos_inbox_pull_last_success_timestamp_seconds ${now / 1000}`);
    expect(text).toContain('workos_inbox_pull_leader 1');
    // No page for an hour (pulling stopped): the lag is measured when scraped, so it grows.
    now += 3600_000;
    expect(await lagSeconds(metrics)).toBe(3660);
    // Pages that bring nothing newer: it keeps growing.
    await loop.tick();
    now += 1000;
    expect(await lagSeconds(metrics)).toBe(3661);
    // A newer event arrives: the lag drops to that event's age.
    api.events = events.slice(0, 150);
    await loop.tick();
    expect(await lagSeconds(metrics)).toBe((now - eventTimeMs(events[149]!.created_at)) / 1000);
    expect(await lagSeconds(metrics)).toBeLessThan(3661);
    now += 30_000;
    expect(await lagSeconds(metrics)).toBe((now - eventTimeMs(events[149]!.created_at)) / 1000);
  });

  it('any other 422 is logged as what it is, with the request, and pulling goes on from the cursor', async () => {
    const store = await backend.fresh().open();
    await store.migrate();
    api.events = events.slice(0, 50);
    const { lines, logger } = capturedLogs<{
      level: number;
      msg: string;
      err?: { message: string };
    }>();
    const client = new WorkosApiClient({ apiKey: api.apiKey, apiUrl: api.url, maxRetries: 0 });
    const loop = new PullLoop({ store, client, logger, since: '2020-01-01T00:00:00Z' });
    await loop.tick();
    api.events = events.slice(0, 60);
    api.failNext({ status: 422 });
    await loop.tick();
    const failed = lines.filter((l) => l.err !== undefined);
    expect(failed).toHaveLength(1);
    expect(failed[0]!.msg).toBe('Events API pull failed; trying again next round');
    expect(failed[0]!.err!.message).toContain('WorkOS refused the Events API request (');
    expect(failed[0]!.err!.message).toContain('GET /events: 422 injected 422');
    expect(lines.some((l) => l.msg.includes('refused the stored cursor'))).toBe(false);
    expect(JSON.stringify(lines)).not.toContain('--reset-cursor');
    await loop.tick();
    expect((await store.pullCursor('events_api'))!.after).toBe(events[59]!.id);
    await loop.stop();
  });

  it('a refused cursor is logged once with the way out, then every 10 minutes; --pull-since a cursor overrides is said once', async () => {
    const store = await backend.fresh().open();
    await store.migrate();
    api.events = events.slice(0, 50);
    let now = Date.parse('2026-03-01T00:00:00Z');
    const clock = { now: () => now };
    const client = new WorkosApiClient({ apiKey: api.apiKey, apiUrl: api.url, maxRetries: 0 });
    const first = new PullLoop({
      store,
      client,
      logger: pino({ level: 'silent' }),
      clock,
      since: '2020-01-01T00:00:00Z',
    });
    await first.tick();
    await first.stop();
    const { lines, logger } = capturedLogs<{
      level: number;
      msg: string;
      err?: { message: string };
    }>();
    const strict = await startWorkosApiStandIn({ expiredIds: new Set([events[49]!.id]) });
    try {
      strict.events = events.slice(0, 60);
      const loop = new PullLoop({
        store,
        client: new WorkosApiClient({ apiKey: strict.apiKey, apiUrl: strict.url, maxRetries: 0 }),
        logger,
        clock,
        since: '2020-01-01T00:00:00Z',
        sinceGiven: '7d',
      });
      const refused = () => lines.filter((l) => l.msg.includes('refused the stored cursor'));
      await loop.tick();
      expect(lines.filter((l) => l.msg.startsWith('--pull-since 7d is not used'))).toHaveLength(1);
      expect(refused()).toHaveLength(1);
      expect(refused()[0]!.level).toBe(50);
      expect(refused()[0]!.msg).toContain('Stop this process (or restart it without --pull)');
      // The cause is said once, in the error's message.
      const message = refused()[0]!.err!.message;
      expect(message).toContain('pull --reset-cursor --since 7d');
      expect(message.split('invalid_cursor').length).toBe(2);
      now += 5_000;
      await loop.tick();
      expect(refused()).toHaveLength(1);
      now += 10 * 60_000;
      await loop.tick();
      expect(refused()).toHaveLength(2);
      expect(lines.filter((l) => l.msg.startsWith('--pull-since'))).toHaveLength(1);
      await loop.stop();
    } finally {
      await strict.close();
    }
  });
});

/** `workos_inbox_pull_lag_seconds` as a scrape reads it. */
async function lagSeconds(metrics: ReturnType<typeof createPullMetrics>): Promise<number> {
  const metric = await metrics.registry.getSingleMetric('workos_inbox_pull_lag_seconds')!.get();
  return metric.values[0]!.value;
}
