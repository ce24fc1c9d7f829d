// Forwarding end to end on both backends: events received over HTTP by a real inbox, delivered
// over HTTP to real endpoints (the guide's Complete Example with the official SDK among them).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WorkOS } from '@workos-inc/node';
import type { Logger } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createForwarder } from '../../src/forward/create-forwarder.js';
import type { Forwarder } from '../../src/forward/create-forwarder.js';
import {
  eventDeliveries,
  listDeliveries,
  readDestinations,
} from '../../src/forward/delivery-queries.js';
import { resumeDestination } from '../../src/forward/delivery-operations.js';
import { parseDestinations } from '../../src/forward/parse-destinations.js';
import { createInbox } from '../../src/inbox/create-inbox.js';
import { backendKinds, createBackend } from '../inbox/helpers/backends.js';
import { signedHeaders } from '../inbox/helpers/events.js';
import { createCompleteExample } from './fixtures/guide-complete-example.js';
import { startApp, startEndpoint, until } from './helpers/endpoint.js';
import type { TestEndpoint } from './helpers/endpoint.js';
import { capturedLogs } from '../helpers/captured-logs.js';

const secret = 'whsec_forward_test';
const sdk = new WorkOS('sk_test_forward');

/** A compact body, as WorkOS sends it (the guide's express.json() re-serialises to compare). */
function userEvent(n: number, event = 'dsync.user.created', createdAt?: string, objectId?: string) {
  const id = `event_fwd_${n}_${Math.random().toString(36).slice(2, 8)}`;
  const at = createdAt ?? new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString();
  return {
    id,
    body: JSON.stringify({
      id,
      event,
      created_at: at,
      data: {
        object: 'directory_user',
        id: objectId ?? `directory_user_${id}`,
        directory_id: 'directory_01',
        organization_id: 'org_01',
        idp_id: `idp_${n}`,
        first_name: 'Ada',
        last_name: 'Lovelace',
        email: `${id}@example.com`,
        state: 'active',
        emails: [{ primary: true, type: 'work', value: `${id}@example.com` }],
        raw_attributes: {},
        custom_attributes: {},
        role: { slug: 'member' },
        created_at: at,
        updated_at: at,
      },
    }),
  };
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => {});
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

describe.each(backendKinds)('forwarding on %s', (kind) => {
  /**
   * A receiving inbox with its mirror worker, behind a real HTTP server. The forwarder's clock is
   * real time plus what the test moved it by, or, with `clockAt`, that instant plus what the test
   * moved it by (time stands still otherwise).
   */
  async function setup(options: { clockAt?: number } = {}) {
    const backend = await createBackend(kind, 'wi_forward');
    cleanups.push(backend.cleanup);
    const inbox = await createInbox({ database: backend.database, secret });
    cleanups.push(() => inbox.close());
    const server = createServer(inbox.node());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    cleanups.push(() => new Promise((r) => server.close(() => r())));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/workos`;
    let offsetMs = 0;
    // Real time plus what the test moved it by: signatures stay fresh for the SDK's tolerance.
    const clock = { now: () => (options.clockAt ?? Date.now()) + offsetMs };
    const send = async (body: string) => {
      const res = await fetch(url, {
        method: 'POST',
        body,
        headers: signedHeaders(body, Date.now(), secret),
      });
      return res.status;
    };
    const forward = async (spec: string, startNow = true, logger?: Logger): Promise<Forwarder> => {
      const forwarder = createForwarder({
        store: inbox.store,
        destinations: parseDestinations(spec, {
          secret,
          timeoutMs: 10_000,
          concurrency: 4,
          ordered: false,
          maxAttempts: 10,
          backoff: { baseMs: 1000, capMs: 1000 },
        }),
        clock,
        idlePollMs: 20,
        logger,
      });
      cleanups.push(() => forwarder.close());
      if (startNow) await forwarder.start();
      else await forwarder.register();
      return forwarder;
    };
    const statuses = async (destination: string) =>
      (await inbox.store.read((db) => listDeliveries(db, { destination, limit: 1000 }))).deliveries;
    return {
      inbox,
      send,
      forward,
      statuses,
      advance: (ms: number) => {
        offsetMs += ms;
      },
    };
  }

  const track = (endpoint: TestEndpoint) => {
    cleanups.push(() => endpoint.close());
    return endpoint;
  };

  /**
   * Resume the paused `destination`, wake the forwarder, and wait until every delivery to that
   * destination is delivered.
   */
  async function resumeUntilDelivered(
    { inbox, statuses }: Pick<Awaited<ReturnType<typeof setup>>, 'inbox' | 'statuses'>,
    forwarder: Forwarder,
    destination: string,
  ): Promise<void> {
    await inbox.store.writeTransaction((tx) => resumeDestination(tx, destination, new Date()));
    forwarder.wake();
    await until(
      async () => (await statuses(destination)).every((d) => d.status === 'delivered'),
      'delivery after resume',
    );
  }

  it("the guide's Complete Example, unchanged, accepts every forwarded event", async () => {
    const { send, forward, statuses } = await setup();
    vi.stubEnv('WORKOS_WEBHOOK_SECRET', secret);
    vi.stubEnv('WORKOS_API_KEY', 'sk_test_guide');
    vi.spyOn(console, 'log').mockImplementation(() => {});
    const rows = new Map<string, Record<string, unknown>>();
    const db = {
      users: {
        create: async (row: Record<string, unknown>) =>
          void rows.set(String(row.directoryUserId), row),
        update: async (w: { directoryUserId: string }, row: Record<string, unknown>) =>
          void rows.set(w.directoryUserId, { ...rows.get(w.directoryUserId), ...row }),
        delete: async (w: { directoryUserId: string }) => void rows.delete(w.directoryUserId),
      },
    };
    const errors: unknown[] = [];
    vi.spyOn(console, 'error').mockImplementation((...args) => void errors.push(args));
    const app = track(await startApp(createCompleteExample(db), '/webhooks/workos'));
    await forward(app.url);
    const events = Array.from({ length: 20 }, (_, i) => userEvent(i));
    for (const e of events) expect(await send(e.body)).toBe(200);
    await until(
      async () =>
        (await statuses(app.url.replace(/\?.*/, ''))).every((d) => d.status === 'delivered') &&
        rows.size === 20,
      'every delivery',
    );
    const deliveries = await statuses(app.url);
    expect(deliveries).toHaveLength(20);
    expect(deliveries.every((d) => d.attempts === 1 && d.lastStatusCode === 200)).toBe(true);
    expect([...rows.keys()].sort()).toEqual(events.map((e) => JSON.parse(e.body).data.id).sort());
    expect(rows.get(JSON.parse(events[0]!.body).data.id)).toMatchObject({
      email: `${events[0]!.id}@example.com`,
      firstName: 'Ada',
      organizationId: 'org_01',
    });
    expect(errors).toEqual([]);
  });

  it('a destination killed in the middle and restarted later gets every event, byte for byte', async () => {
    const { send, forward, statuses, advance } = await setup();
    const { lines: logs, logger } = capturedLogs<{
      level: number;
      msg: string;
      destination?: string;
      failedAttempts?: number;
    }>();
    let answered = 0;
    const endpoint = track(
      await startEndpoint((_r, res) => {
        answered++;
        if (answered === 6) {
          // Crash in the middle of a delivery: no answer, connections cut, port closed.
          void endpoint.kill();
          return;
        }
        res.writeHead(200).end();
      }),
    );
    const forwarder = await forward(endpoint.url, true, logger);
    const events = Array.from({ length: 12 }, (_, i) => userEvent(i));
    for (const e of events.slice(0, 8)) expect(await send(e.body)).toBe(200);
    await until(
      async () => (await statuses(endpoint.url)).some((d) => d.status === 'retrying'),
      'a failed attempt',
    );
    for (const e of events.slice(8)) expect(await send(e.body)).toBe(200);
    await endpoint.restart();
    // Retries come due on the injected clock.
    await until(async () => {
      advance(1000);
      forwarder.wake();
      return (await statuses(endpoint.url)).every((d) => d.status === 'delivered');
    }, 'every delivery after the restart');
    const got = new Map(
      endpoint.received.map((r) => [String(r.headers['workos-inbox-event-id']), r]),
    );
    for (const e of events) {
      const r = got.get(e.id);
      expect(r, e.id).toBeDefined();
      expect(r!.body.equals(Buffer.from(e.body))).toBe(true);
      expect(r!.headers['content-type']).toBe('application/json');
      // The official SDK accepts the fresh signature over the raw bytes.
      await expect(
        sdk.webhooks.verifyHeader({
          payload: r!.body.toString(),
          sigHeader: String(r!.headers['workos-signature']),
          secret,
        }),
      ).resolves.toBe(true);
    }
    const retried = (await statuses(endpoint.url)).filter((d) => d.attempts > 1);
    expect(retried.length).toBeGreaterThan(0);
    // Each request names its attempt: the one accepted (the last of its event's) the count the
    // delivery's row holds, 2 or more for those retried after the crash.
    const rows = await statuses(endpoint.url);
    for (const d of rows) {
      const last = endpoint.received.findLast(
        (r) => r.headers['workos-inbox-event-id'] === d.eventId,
      );
      expect(last!.headers['workos-inbox-delivery-attempt'], d.eventId).toBe(String(d.attempts));
      expect(last!.headers['user-agent']).toBe('workos-inbox');
    }
    // The outage is logged once when it starts and once when it ends, not per failed attempt.
    const failing = logs.filter((l) => l.msg.startsWith('destination is failing'));
    const recovered = logs.filter((l) => l.msg === 'destination accepts deliveries again');
    // (A blip after the restart, a reused socket the kill cut, would make it two outages.)
    const failedAttempts = retried.reduce((n, d) => n + d.attempts - 1, 0);
    expect(failing[0]).toMatchObject({ level: 40, destination: endpoint.url });
    expect(failing.length).toBeLessThan(failedAttempts);
    expect(recovered).toHaveLength(failing.length);
    expect(recovered[0]).toMatchObject({ level: 30, destination: endpoint.url });
    expect(recovered.reduce((n, l) => n + l.failedAttempts!, 0)).toBe(failedAttempts);
  });

  it('a destination that never answers holds up neither receiving, the mirror nor another destination', async () => {
    const { inbox, send, forward, statuses } = await setup();
    await inbox.start();
    const held: (() => void)[] = [];
    const slow = track(
      await startEndpoint((_r, res) => void held.push(() => res.writeHead(200).end())),
    );
    const fast = track(await startEndpoint((_r, res) => void res.writeHead(200).end()));
    await forward(`${slow.url};name=slow,${fast.url};name=fast`);
    const events = Array.from({ length: 10 }, (_, i) => userEvent(i));
    for (const e of events) expect(await send(e.body)).toBe(200);
    await until(
      async () => (await inbox.store.stats(new Date())).byStatus.done === 10,
      'the mirror to apply every event',
    );
    await until(
      async () => (await statuses('fast')).filter((d) => d.status === 'delivered').length === 10,
      'the fast destination',
    );
    // Its concurrency (4) is in flight and unanswered; nothing of it delivered.
    await until(() => held.length === 4, 'four attempts in flight at the slow destination');
    const slowNow = await statuses('slow');
    expect(slowNow.filter((d) => d.status === 'delivered')).toHaveLength(0);
    expect(slowNow).toHaveLength(10);
    const user = JSON.parse(events[9]!.body).data.id as string;
    const mirrored = await inbox.store.read((db) =>
      db.query('SELECT id FROM workos_directory_users WHERE id = $1', [user]),
    );
    expect(mirrored.rows).toHaveLength(1);
    await until(() => {
      for (const release of held.splice(0)) release();
      return statuses('slow').then((s) => s.every((d) => d.status === 'delivered'));
    }, 'the slow destination once it answers');
  });

  it('filters and per-destination secrets', async () => {
    const { send, forward, statuses } = await setup();
    const a = track(await startEndpoint((_r, res) => void res.writeHead(204).end()));
    const b = track(await startEndpoint((_r, res) => void res.writeHead(200).end()));
    vi.stubEnv('B_SECRET', 'whsec_b');
    await forward(
      `${a.url};name=a;events=dsync.user.*;secret=whsec_a,${b.url};name=b;events=user.created,dsync.group.*;secret=env:B_SECRET`,
    );
    const created = userEvent(1);
    const group = userEvent(2, 'dsync.group.created');
    const other = userEvent(3, 'user.created');
    for (const e of [created, group, other]) expect(await send(e.body)).toBe(200);
    await until(
      async () =>
        (await statuses('a')).length === 1 &&
        (await statuses('b')).length === 2 &&
        [...(await statuses('a')), ...(await statuses('b'))].every((d) => d.status === 'delivered'),
      'both destinations',
    );
    expect(a.received.map((r) => r.headers['workos-inbox-event-id'])).toEqual([created.id]);
    // Accepted at once: each request is attempt 1, from workos-inbox.
    for (const r of [...a.received, ...b.received]) {
      expect(r.headers['workos-inbox-delivery-attempt']).toBe('1');
      expect(r.headers['user-agent']).toBe('workos-inbox');
    }
    expect(b.received.map((r) => r.headers['workos-inbox-event-id']).sort()).toEqual(
      [group.id, other.id].sort(),
    );
    const verify = (r: { body: Buffer; headers: Record<string, unknown> }, key: string) =>
      sdk.webhooks.verifyHeader({
        payload: r.body.toString(),
        sigHeader: String(r.headers['workos-signature']),
        secret: key,
      });
    await expect(verify(a.received[0]!, 'whsec_a')).resolves.toBe(true);
    await expect(verify(a.received[0]!, secret)).rejects.toThrow();
    for (const r of b.received) await expect(verify(r, 'whsec_b')).resolves.toBe(true);
  });

  it('410 Gone pauses the destination (logged in the database, counted) until resumed', async () => {
    const { inbox, send, forward, statuses } = await setup();
    let gone = true;
    const endpoint = track(
      await startEndpoint((_r, res) => void res.writeHead(gone ? 410 : 200).end()),
    );
    const other = track(await startEndpoint((_r, res) => void res.writeHead(200).end()));
    const forwarder = await forward(`${endpoint.url};name=gone,${other.url};name=other`);
    // Before any attempt, each destination's counters are there at 0 (alerts have a series).
    const before = await forwarder.metrics.registry.metrics();
    for (const name of ['gone', 'other']) {
      expect(before).toContain(`workos_inbox_forward_delivered_total{destination="${name}"} 0`);
      expect(before).toContain(`workos_inbox_forward_dead_total{destination="${name}"} 0`);
      for (const reason of ['status', 'network', 'gone']) {
        expect(before).toContain(
          `workos_inbox_forward_failed_total{destination="${name}",reason="${reason}"} 0`,
        );
      }
    }
    const events = Array.from({ length: 3 }, (_, i) => userEvent(i));
    expect(await send(events[0]!.body)).toBe(200);
    await until(
      async () =>
        (await inbox.store.read(readDestinations)).some(
          (d) => d.name === 'gone' && d.pausedAt !== null,
        ),
      'the pause',
    );
    for (const e of events.slice(1)) expect(await send(e.body)).toBe(200);
    await until(
      async () => (await statuses('other')).filter((d) => d.status === 'delivered').length === 3,
      'the other destination',
    );
    expect(endpoint.received).toHaveLength(1);
    const metrics = await forwarder.metrics.registry.metrics();
    expect(metrics).toMatch(
      /workos_inbox_forward_failed_total\{destination="gone",reason="gone"\} 1/,
    );
    expect(metrics).toMatch(/workos_inbox_forward_paused\{destination="gone"\} 1/);
    expect(metrics).toContain('workos_inbox_forward_delivered_total{destination="other"} 3');
    expect(metrics).toContain('workos_inbox_forward_delivered_total{destination="gone"} 0');
    const [first] = await inbox.store.read((db) => eventDeliveries(db, events[0]!.id));
    expect(first!.attemptLog.map((a) => [a.statusCode, a.outcome])).toContainEqual([410, 'paused']);
    gone = false;
    await resumeUntilDelivered({ inbox, statuses }, forwarder, 'gone');
    expect(new Set(endpoint.received.map((r) => r.headers['workos-inbox-event-id']))).toEqual(
      new Set(events.map((e) => e.id)),
    );
  });

  it('after a 410 nothing more is sent: the queued deliveries go back unstarted', async () => {
    const { inbox, send, forward, statuses } = await setup();
    let gone = true;
    const endpoint = track(
      await startEndpoint((_r, res) => void res.writeHead(gone ? 410 : 200).end()),
    );
    // Registered first, so that every event queues a delivery, and started once all are in: the
    // first claim takes a window of twice the concurrency (4), four sent at once, four queued.
    const forwarder = await forward(`${endpoint.url};name=gone`, false);
    const events = Array.from({ length: 20 }, (_, i) => userEvent(i));
    for (const e of events) expect(await send(e.body)).toBe(200);
    await forwarder.start();
    await until(
      async () => (await inbox.store.read(readDestinations))[0]!.pausedAt !== null,
      'the pause',
    );
    // Only the attempts in flight when the first 410 came back reached the endpoint; after the
    // pause is recorded every delivery waits, none of them claimed.
    await until(
      async () => (await statuses('gone')).every((d) => d.status !== 'delivering'),
      'the queued ones given back',
    );
    expect(endpoint.received.length).toBeLessThanOrEqual(4);
    const waiting = await statuses('gone');
    expect(waiting).toHaveLength(20);
    expect(waiting.filter((d) => d.attempts === 0)).toHaveLength(20 - endpoint.received.length);
    gone = false;
    await resumeUntilDelivered({ inbox, statuses }, forwarder, 'gone');
  });

  it('after a 410 nothing more is sent, not even what a claim leased while the 410 came back', async () => {
    const { inbox, send, statuses } = await setup();
    let answered = 0;
    const endpoint = track(
      await startEndpoint((_r, res) => void res.writeHead(++answered === 1 ? 200 : 410).end()),
    );
    const paused = async () =>
      (await inbox.store.read(readDestinations)).some((d) => d.pausedAt !== null);
    // The second claim (the first transaction that leases and is not the first): its transaction
    // commits beside the attempt that gets the 410, and its answer comes back only once the pause
    // is written, when the runner has gone back to delivering.
    let claims = 0;
    const store = new Proxy(inbox.store, {
      get(target, key) {
        if (key === 'writeTransaction') {
          return async (...args: Parameters<typeof target.writeTransaction>) => {
            const result: unknown = await target.writeTransaction(...args);
            if (Array.isArray(result) && ++claims === 2) await until(paused, 'the pause');
            return result;
          };
        }
        const value: unknown = Reflect.get(target, key);
        return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
      },
    });
    // One at a time: the first claim leases two (twice the concurrency); the second begins as the
    // second attempt starts.
    const forwarder = createForwarder({
      store,
      destinations: parseDestinations(`${endpoint.url};name=gone;concurrency=1`, {
        secret,
        timeoutMs: 10_000,
        concurrency: 1,
        ordered: false,
        maxAttempts: 10,
        backoff: { baseMs: 1000, capMs: 1000 },
      }),
      idlePollMs: 20,
    });
    cleanups.push(() => forwarder.close());
    await forwarder.register();
    for (let i = 0; i < 20; i++) expect(await send(userEvent(i).body)).toBe(200);
    await forwarder.start();
    await until(paused, 'the pause');
    await until(
      async () => (await statuses('gone')).every((d) => d.status !== 'delivering'),
      'the claimed ones given back',
    );
    expect(claims).toBeGreaterThanOrEqual(2);
    expect(endpoint.received).toHaveLength(2);
    const waiting = await statuses('gone');
    expect(waiting.filter((d) => d.status === 'delivered')).toHaveLength(1);
    expect(waiting.filter((d) => d.attempts === 0)).toHaveLength(18);
  });

  it('ordered delivery keeps each object in created_at order under retries', async () => {
    // The forwarder's clock stands at a whole second years ahead of the events' receipt (real
    // time) and moves only by the test's steps of 1 s: a signature's t= can be told from both.
    const clockAt = Date.UTC(2040, 0, 1);
    const { send, forward, statuses, advance } = await setup({ clockAt });
    const seen = new Set<string>();
    const accepted: { object: string; createdAt: string }[] = [];
    const endpoint = track(
      await startEndpoint((r, res) => {
        const body = JSON.parse(r.body.toString()) as {
          id: string;
          created_at: string;
          data: { id: string };
        };
        // Every event fails its first attempt.
        if (!seen.has(body.id)) {
          seen.add(body.id);
          return void res.writeHead(503).end();
        }
        accepted.push({ object: body.data.id, createdAt: body.created_at });
        res.writeHead(200).end();
      }),
    );
    const forwarder = await forward(`${endpoint.url};name=o;ordered;concurrency=8`, false);
    const events: { body: string }[] = [];
    for (let i = 0; i < 12; i++) {
      const object = `directory_user_${i % 3}`;
      events.push(
        userEvent(
          i,
          'dsync.user.updated',
          new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
          object,
        ),
      );
    }
    // Received in a shuffled order: created_at, not arrival, decides.
    for (const e of [...events].sort((x, y) => (x.body < y.body ? -1 : 1)))
      expect(await send(e.body)).toBe(200);
    // Delivering starts once all are stored (ordering covers the events received so far).
    await forwarder.start();
    await until(async () => {
      advance(1000);
      forwarder.wake();
      return (await statuses('o')).every((d) => d.status === 'delivered');
    }, 'every ordered delivery');
    for (const object of ['directory_user_0', 'directory_user_1', 'directory_user_2']) {
      const times = accepted.filter((a) => a.object === object).map((a) => a.createdAt);
      expect(times).toHaveLength(4);
      expect(times).toEqual([...times].sort());
    }
    // The headers of every request: attempt 1 (answered 503), then 2 (the retry, accepted),
    // which is what the delivery's row counted.
    const rows = new Map((await statuses('o')).map((d) => [d.eventId, d]));
    const byEvent = new Map<string, typeof endpoint.received>();
    for (const r of endpoint.received) {
      expect(r.headers['user-agent']).toBe('workos-inbox');
      const id = String(r.headers['workos-inbox-event-id']);
      byEvent.set(id, [...(byEvent.get(id) ?? []), r]);
      // t= is the injected clock's time of the attempt: past clockAt by whole steps, never the
      // event's receipt (before clockAt by years) nor the machine's time.
      const t = Number(/^t=(\d+),/.exec(String(r.headers['workos-signature']))![1]);
      const received = rows.get(id)!.queuedAt.getTime();
      expect(received).toBeLessThan(clockAt);
      expect(t).toBeGreaterThanOrEqual(clockAt);
      expect((t - clockAt) % 1000).toBe(0);
    }
    expect(byEvent.size).toBe(12);
    for (const [id, requests] of byEvent) {
      const attempts = requests.map((r) => r.headers['workos-inbox-delivery-attempt']);
      expect(attempts.slice(0, 2), id).toEqual(['1', '2']);
      expect(attempts.at(-1), id).toBe(String(rows.get(id)!.attempts));
      // The retry is signed at its own attempt, not at the first one's time or before.
      const ts = requests.map((r) =>
        Number(/^t=(\d+),/.exec(String(r.headers['workos-signature']))![1]),
      );
      expect(ts, id).toEqual([...ts].sort((x, y) => x - y));
    }
  });
});
