// A redrive or a resume wakes a running forwarder: the admin API's in its own process (on SQLite
// also across `serve`'s threads), and on PostgreSQL one made through another connection, as the
// CLI in another process makes it. The forwarder's idle poll is an hour, far beyond the test's
// wait, so only a wake-up can explain the delivery; each wait is on the delivery, never on time.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createForwarder } from '../../src/forward/create-forwarder.js';
import { listDeliveries, readDestinations } from '../../src/forward/delivery-queries.js';
import { redriveAndWake, resumeAndWake } from '../../src/forward/forward-admin-api.js';
import { parseDestinations } from '../../src/forward/parse-destinations.js';
import { handleAdminRequest } from '../../src/server/admin-api.js';
import { createSqliteThreadShare } from '../../src/store/sqlite/thread-share.js';
import type { Store } from '../../src/store/types.js';
import { patienceMs } from '../helpers/patience.js';
import { newEvent, useBackends } from '../store/backends.js';
import { startEndpoint, until } from './helpers/endpoint.js';

/** The forwarder's idle poll: longer than any wait of the test (patienceMs, 240 s). */
const idlePollMs = 3_600_000;
if (idlePollMs <= patienceMs) throw new Error('the idle poll must outlast the waits');

const backends = useBackends();
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c().catch(() => {});
});

describe.each(backends)('a redrive or a resume wakes the forwarder on $name', (backend) => {
  /**
   * A forwarder to `app` (one attempt before dead) whose endpoint answers `answers` in turn, then
   * 204, and an admin API. With `threads`, as `serve` on SQLite runs them: the admin API on the
   * main thread's store, the forwarder on the worker thread's, sharing the wake-ups.
   */
  async function setup(answers: number[], options: { threads?: boolean } = {}) {
    const db = backend.fresh();
    const share = options.threads ? createSqliteThreadShare() : undefined;
    const forwarding = await db.open(share ? { sqliteThreadShare: share } : {});
    await forwarding.migrate();
    const receiving = share ? await db.open({ sqliteThreadShare: share }) : forwarding;

    const endpoint = await startEndpoint((_req, res) => {
      res.writeHead(answers.shift() ?? 204).end();
    });
    closers.push(() => endpoint.close());
    const forwarder = createForwarder({
      store: forwarding,
      destinations: parseDestinations(`${endpoint.url};name=app;max-attempts=1`, {
        secret: 'whsec_wake_test',
        timeoutMs: 10_000,
        concurrency: 4,
        ordered: false,
        maxAttempts: 1,
        backoff: { baseMs: 1000, capMs: 1000 },
      }),
      idlePollMs,
    });
    await forwarder.start();
    closers.push(() => forwarder.close());

    const server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      void handleAdminRequest(req, res, url, receiving, { now: () => Date.now() });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    closers.push(() => new Promise((r) => server.close(() => r())));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const post = async (path: string, body?: string) => {
      const res = await fetch(`${base}${path}`, { method: 'POST', ...(body ? { body } : {}) });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };

    const delivery = async () =>
      (await forwarding.read((tx) => listDeliveries(tx, { destination: 'app', limit: 10 })))
        .deliveries[0];
    /**
     * Append an event and wait until its first attempt's outcome is recorded. On PostgreSQL it is
     * appended through another connection, so that only the forwarder's LISTEN connection can wake
     * it: the connection is up, and its wake-up on connecting spent, before the test counts on a
     * wake-up.
     */
    const appendAndAttempt = async (recorded: (status: string) => boolean) => {
      const appending = backend.name === 'postgres' ? await db.open() : receiving;
      await appending.append(newEvent());
      await until(async () => {
        const d = await delivery();
        return d !== undefined && recorded(d.status);
      }, 'the first attempt recorded');
    };
    const deliveredAgain = async () => {
      await until(
        async () => (await delivery())?.status === 'delivered',
        'the delivery, sent after the wake-up',
      );
      expect(endpoint.received).toHaveLength(2);
    };
    return { db, forwarding, post, appendAndAttempt, deliveredAgain };
  }

  it('a redrive through the admin API', async () => {
    const { post, appendAndAttempt, deliveredAgain } = await setup([500]);
    await appendAndAttempt((status) => status === 'dead');
    expect(await post('/inbox/deliveries/redrive', '{"destination":"app"}')).toEqual({
      status: 200,
      body: { redriven: 1 },
    });
    await deliveredAgain();
  });

  it('a resume through the admin API', async () => {
    const { forwarding, post, appendAndAttempt, deliveredAgain } = await setup([410]);
    await appendAndAttempt((status) => status === 'retrying');
    expect((await forwarding.read(readDestinations))[0]!.pausedAt).not.toBeNull();
    expect(await post('/inbox/destinations/app/resume')).toEqual({
      status: 200,
      body: { name: 'app', resumed: true, wasPaused: true },
    });
    await deliveredAgain();
  });

  it('a resume of a destination that was not paused says so', async () => {
    const { post } = await setup([]);
    expect(await post('/inbox/destinations/app/resume')).toEqual({
      status: 200,
      body: { name: 'app', resumed: true, wasPaused: false },
    });
  });

  if (backend.name === 'sqlite') {
    it("across serve's threads: the admin API on the main thread, the forwarder in the worker thread", async () => {
      const { post, appendAndAttempt, deliveredAgain } = await setup([500], { threads: true });
      await appendAndAttempt((status) => status === 'dead');
      expect(await post('/inbox/deliveries/redrive?destination=app')).toEqual({
        status: 200,
        body: { redriven: 1 },
      });
      await deliveredAgain();
    });

    it("a resume across serve's threads", async () => {
      const { post, appendAndAttempt, deliveredAgain } = await setup([410], { threads: true });
      await appendAndAttempt((status) => status === 'retrying');
      expect((await post('/inbox/destinations/app/resume')).status).toBe(200);
      await deliveredAgain();
    });
  }

  if (backend.name === 'postgres') {
    /** Another store on the same database: what `deliveries redrive|resume` opens. */
    const cli = async (db: { open(): Promise<Store> }) => db.open();

    it('a redrive through another connection, as the CLI in another process makes it', async () => {
      const { db, appendAndAttempt, deliveredAgain } = await setup([500]);
      await appendAndAttempt((status) => status === 'dead');
      const other = await cli(db);
      expect(await redriveAndWake(other, { destination: 'app', status: 'dead' }, new Date())).toBe(
        1,
      );
      await deliveredAgain();
    });

    it('a resume through another connection, as the CLI in another process makes it', async () => {
      const { db, appendAndAttempt, deliveredAgain } = await setup([410]);
      await appendAndAttempt((status) => status === 'retrying');
      const other = await cli(db);
      expect(await resumeAndWake(other, 'app', new Date())).toBe('resumed');
      await deliveredAgain();
    });
  }
});
