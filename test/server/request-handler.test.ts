import { pino } from 'pino';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.js';
import { createInbox } from '../../src/inbox/create-inbox.js';
import type { Inbox } from '../../src/inbox/create-inbox.js';
import { startHttpServer } from '../../src/server/http-server.js';
import type { RunningHttpServer } from '../../src/server/http-server.js';
import { createMirrorHandler } from '../../src/server/mirror-routes.js';
import { createQueueMetrics } from '../../src/server/queue-metrics.js';
import { createRequestHandler } from '../../src/server/request-handler.js';
import { sampleEvent } from '../../src/testing/sample-event.js';
import { createBackend } from '../inbox/helpers/backends.js';
import { signedHeaders } from '../inbox/helpers/events.js';
import { resolveMirror } from '../../src/inbox/mirror-setup.js';
import { openStore } from '../../src/store/open-store.js';
import type { MigrationSet } from '../../src/store/types.js';

const secret = 'whsec_request_handler_0123456789';
const token = 'request-handler-admin-token';
const auth = { authorization: `Bearer ${token}` };

// The serve routes over real HTTP with a real inbox, in-process (the e2e tests spawn the CLI).
describe.each(['sqlite', 'postgres'] as const)('serve routes (%s)', (backend) => {
  let inbox: Inbox;
  let http: RunningHttpServer;
  let cleanup: () => Promise<void> | void;
  let database: string;

  /** The serve routes on a free port: development mode, webhooks on /hooks into `inbox`. */
  const serveRoutes = (
    options: Pick<Parameters<typeof createRequestHandler>[0], 'store' | 'metrics' | 'mirror'>,
  ) =>
    startHttpServer(
      { port: 0, host: '127.0.0.1', maxHeaderBytes: 2048, requestTimeoutMs: 5000 },
      createRequestHandler({
        clock: systemClock,
        logger: pino({ level: 'silent' }),
        webhookPath: '/hooks',
        webhook: inbox.node(),
        adminToken: token,
        production: false,
        trustProxy: false,
        allowIps: [],
        ...options,
      }),
    );

  const post = (event: object, headers: Record<string, string> = {}) => {
    const body = JSON.stringify(event);
    return fetch(`${http.url}/hooks`, {
      method: 'POST',
      body,
      headers: { ...signedHeaders(body, Date.now(), secret), ...headers },
    });
  };

  beforeAll(async () => {
    ({ database, cleanup } = await createBackend(backend, 'wi_server'));
    inbox = await createInbox({ database, secret, maxBodyBytes: 4096 });
    http = await serveRoutes({
      store: inbox.store,
      metrics: [inbox.metrics, createQueueMetrics(inbox.store, systemClock), new Registry()],
      mirror: createMirrorHandler(inbox.store),
    });
  });

  afterAll(async () => {
    await http?.close(1000);
    await inbox?.close();
    await cleanup?.();
  });

  it('stores signed events and applies the body and header limits', async () => {
    expect(
      (await post(sampleEvent('dsync.user.created', { overrides: { id: 'event_a' } }))).status,
    ).toBe(200);
    expect(
      (await post(sampleEvent('dsync.user.created', { overrides: { id: 'event_a' } }))).status,
    ).toBe(200);
    const big = sampleEvent('dsync.user.created', {
      overrides: { id: 'event_big', data: { first_name: 'x'.repeat(5000) } },
    });
    expect((await post(big)).status).toBe(413);
    const hugeHeader = await post(sampleEvent('dsync.user.created'), {
      'x-padding': 'y'.repeat(4000),
    });
    expect(hugeHeader.status).toBe(431);
    expect((await inbox.store.list({ limit: 10 })).events.map((e) => e.id)).toEqual(['event_a']);
  });

  it('replays one event (200, 404, 409 while processing) and redrives dead ones', async () => {
    await post(sampleEvent('dsync.group.created', { overrides: { id: 'event_g' } }));
    const replay = (id: string) =>
      fetch(`${http.url}/inbox/events/${id}/replay`, { method: 'POST', headers: auth });
    // An unknown id is said as such, not as an unknown route ("Not Found").
    for (const res of [
      await replay('event_missing'),
      await fetch(`${http.url}/inbox/events/event_missing`, { headers: auth }),
    ]) {
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({
        error: 'not_found',
        code: 'not_found',
        message: 'no event with id event_missing',
        field: 'id',
      });
    }
    const [claimed] = await inbox.store.claim({
      owner: 'test',
      limit: 1,
      leaseMs: 60_000,
      now: new Date(),
      events: ['dsync.group.created'],
    });
    expect(claimed?.id).toBe('event_g');
    expect((await replay('event_g')).status).toBe(409);
    await inbox.store.fail('event_g', 'test', {
      error: 'boom',
      nextAttemptAt: null,
      now: new Date(),
    });
    expect((await inbox.store.get('event_g'))?.status).toBe('dead');

    const wrongEvent = await fetch(`${http.url}/inbox/redrive?event=dsync.user.created`, {
      method: 'POST',
      headers: auth,
    });
    expect(await wrongEvent.json()).toEqual({ redriven: 0 });
    const redrive = await fetch(`${http.url}/inbox/redrive`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ event: 'dsync.group.created' }),
    });
    expect(await redrive.json()).toEqual({ redriven: 1 });
    expect((await inbox.store.get('event_g'))?.status).toBe('pending');
    expect((await replay('event_g')).status).toBe(200);
    const detail = (await (
      await fetch(`${http.url}/inbox/events/event_g`, { headers: auth })
    ).json()) as {
      attemptLog: Array<{ outcome: string; error: string }>;
    };
    expect(detail.attemptLog).toEqual([
      expect.objectContaining({ outcome: 'dead', error: 'boom' }),
    ]);
  });

  it('answers stats, metrics, 404 and 405, and guards the mirror with the token', async () => {
    const stats = (await (await fetch(`${http.url}/inbox/stats`, { headers: auth })).json()) as {
      byStatus: Record<string, number>;
    };
    expect(stats.byStatus.pending).toBe(2);
    const metrics = await (await fetch(`${http.url}/metrics`)).text();
    expect(metrics).toMatch(/^workos_inbox_queue_depth\{status="pending"\} 2$/m);
    expect(metrics).toMatch(/^workos_inbox_events_duplicate_total\{source="webhook"\} 1$/m);
    expect((await fetch(`${http.url}/nope`)).status).toBe(404);
    // The probes take GET and HEAD, and a 405 says so; HEAD /metrics answers headers only.
    for (const probe of ['/healthz', '/readyz', '/metrics']) {
      const wrong = await fetch(`${http.url}${probe}`, { method: 'POST' });
      expect([wrong.status, wrong.headers.get('allow')], probe).toEqual([405, 'GET, HEAD']);
      const head = await fetch(`${http.url}${probe}`, { method: 'HEAD' });
      expect([head.status, await head.text()], probe).toEqual([200, '']);
    }
    expect(
      (await fetch(`${http.url}/metrics`, { method: 'HEAD' })).headers.get('content-type'),
    ).toMatch(/^text\/plain/);
    expect((await fetch(`${http.url}/inbox/events/event_a/replay`, { headers: auth })).status).toBe(
      405,
    );
    expect((await fetch(`${http.url}/directory_users`)).status).toBe(401);
    const users = await fetch(`${http.url}/directory_users?directory=directory_1`, {
      headers: auth,
    });
    expect(users.status).toBe(200);
    expect(((await users.json()) as { object: string }).object).toBe('list');
    // A 405 of the read API names what it takes, as the other routes' do.
    const post = await fetch(`${http.url}/directory_users`, { method: 'POST', headers: auth });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    const events = await fetch(`${http.url}/events`, { method: 'POST', headers: auth });
    expect([events.status, events.headers.get('allow')]).toEqual([405, 'GET']);
    // stats takes no parameter: a stray one is refused, as on the lists.
    const stray = await fetch(`${http.url}/inbox/stats?x=1`, { headers: auth });
    expect(stray.status).toBe(400);
    expect(await stray.json()).toMatchObject({ code: 'invalid_request', field: 'x' });
  });

  it('readyz: 200 when the schema matches, 503 with the problem when a migration is missing', async () => {
    expect((await fetch(`${http.url}/readyz`)).status).toBe(200);
    const migration = {
      version: 1,
      name: '0001-app',
      sql: 'CREATE TABLE app_ready_check (id text)',
    };
    const app: MigrationSet = { component: 'app', sqlite: [migration], postgres: [migration] };
    const store = await openStore({
      database,
      migrationSets: [...resolveMirror(true).migrationSets, app],
    });
    const other = await serveRoutes({ store, metrics: [] });
    try {
      const ready = await fetch(`${other.url}/readyz`);
      expect(ready.status).toBe(503);
      const body = (await ready.json()) as { problems: string[] };
      expect(body.problems.join(' ')).toContain('app');
      await store.migrate();
      expect((await fetch(`${other.url}/readyz`)).status).toBe(200);
    } finally {
      await other.close(1000);
      await store.close();
    }
  });
});
