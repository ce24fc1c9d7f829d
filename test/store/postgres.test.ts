import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/types.js';
import { StoreUnavailableError } from '../../src/store/types.js';
import { createTestDatabase } from '../helpers/postgres.js';
import { at, newEvent, t0 } from './backends.js';
import { TcpProxy } from '../helpers/tcp-proxy.js';
import { startServeRoutes } from '../helpers/serve-routes.js';
import { createQueueMetrics } from '../../src/server/queue-metrics.js';
import { systemClock } from '../../src/clock.js';

let url = '';
let drop: () => Promise<void> = async () => {};
const stores: Store[] = [];
const proxies: TcpProxy[] = [];

beforeAll(async () => {
  ({ url, drop } = await createTestDatabase('wi_store_pg'));
});
afterAll(async () => {
  await Promise.all(stores.map((s) => s.close().catch(() => {})));
  await Promise.all(proxies.map((p) => p.stop()));
  await drop();
});

async function open(
  options: { schema?: string; port?: number; connectTimeoutMs?: number; poolSize?: number } = {},
) {
  const target = new URL(url);
  if (options.port) target.port = String(options.port);
  const store = await openStore({
    database: target.toString(),
    schema: options.schema ?? 'public',
    ...(options.connectTimeoutMs ? { connectTimeoutMs: options.connectTimeoutMs } : {}),
    ...(options.poolSize ? { poolSize: options.poolSize } : {}),
  });
  stores.push(store);
  return store;
}

async function proxy(mode: 'forward' | 'blackhole' = 'forward') {
  const p = new TcpProxy(Number(new URL(url).port || 5432), mode);
  await p.start();
  proxies.push(p);
  return p;
}

function nextWake(store: Store): Promise<void> {
  return new Promise((resolve) => {
    const off = store.onWake(() => {
      off();
      resolve();
    });
  });
}

describe('PostgreSQL backend', () => {
  it('answers StoreUnavailableError at once when nothing listens on the port', async () => {
    const store = await openStore({ database: 'postgres://postgres@127.0.0.1:1/nothing_here' });
    stores.push(store);
    await expect(store.append(newEvent())).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.ping()).rejects.toMatchObject({ code: 'store_unavailable' });
    await expect(store.claim({ owner: 'w', limit: 1, leaseMs: 1, now: t0 })).rejects.toBeInstanceOf(
      StoreUnavailableError,
    );
  });

  it("joins a URL's options (and PGOPTIONS) with its own settings: the schema stays the store's", async () => {
    const show = async (store: Store) =>
      store.writeTransaction(async (tx) => {
        const one = async (name: string) =>
          ((await tx.query(`SHOW ${name}`)).rows[0] as Record<string, string>)[name];
        return {
          search_path: await one('search_path'),
          work_mem: await one('work_mem'),
          jit: await one('jit'),
        };
      });
    // The URL asks for a setting and, against the store's schema, another search_path.
    const target = new URL(url);
    target.searchParams.set('options', '-c work_mem=4321kB -c search_path=elsewhere');
    const store = await openStore({ database: target.toString(), schema: 'url_options' });
    stores.push(store);
    await store.migrate();
    expect(await show(store)).toEqual({
      search_path: '"url_options"',
      work_mem: '4321kB',
      jit: 'off',
    });
    // The inbox's tables are where the store looks for them.
    await store.append(newEvent({ id: 'event_url_options' }));
    const check = new pg.Client({ connectionString: url });
    await check.connect();
    const { rows } = await check.query(
      `SELECT count(*)::int AS n FROM url_options.workos_inbox_events WHERE id = 'event_url_options'`,
    );
    await check.end();
    expect(rows[0]).toEqual({ n: 1 });
    // Without options in the URL, PGOPTIONS is read, as libpq reads it.
    const before = process.env.PGOPTIONS;
    process.env.PGOPTIONS = '-c work_mem=1234kB';
    try {
      const fromEnv = await openStore({ database: url, schema: 'url_options' });
      stores.push(fromEnv);
      expect(await show(fromEnv)).toMatchObject({
        search_path: '"url_options"',
        work_mem: '1234kB',
      });
    } finally {
      if (before === undefined) delete process.env.PGOPTIONS;
      else process.env.PGOPTIONS = before;
    }
  });

  it('gives up after connectTimeoutMs when the server accepts but never answers', async () => {
    const hole = await proxy('blackhole');
    const store = await open({ port: hole.port, connectTimeoutMs: 300 });
    await expect(store.ping()).rejects.toMatchObject({
      code: 'store_unavailable',
      message: expect.stringMatching(/timeout/i),
    });
    await expect(store.append(newEvent())).rejects.toBeInstanceOf(StoreUnavailableError);
  });

  it('recovers by itself when the server comes back, LISTEN included', async () => {
    const direct = await open({ schema: 'recover' });
    await direct.migrate();
    const p = await proxy();
    const viaProxy = await open({ schema: 'recover', port: p.port });
    const first = newEvent();
    expect(await viaProxy.append(first)).toBe('inserted');
    let woken = nextWake(viaProxy);
    await woken; // the LISTEN connection is up

    await p.stop();
    await expect(viaProxy.append(newEvent())).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(viaProxy.ping()).rejects.toBeInstanceOf(StoreUnavailableError);

    await p.start();
    // The LISTEN client reconnects with backoff and wakes once when it is back.
    woken = nextWake(viaProxy);
    await woken;
    const second = newEvent();
    expect(await viaProxy.append(second)).toBe('inserted');
    await viaProxy.ping();
    // Notifications from another process arrive again.
    woken = nextWake(viaProxy);
    await direct.append(newEvent());
    await woken;
    expect((await direct.get(first.id))?.id).toBe(first.id);
    expect((await direct.get(second.id))?.id).toBe(second.id);
  });

  it('a connection the server drops in the middle of a transaction fails that transaction only; the process goes on', async () => {
    const direct = await open({ schema: 'dropped_tx' });
    await direct.migrate();
    const p = await proxy();
    const viaProxy = await open({ schema: 'dropped_tx', port: p.port });
    const attempt = viaProxy.writeTransaction(async (tx) => {
      await tx.query('SELECT 1');
      // The server goes away while this transaction holds its connection between statements:
      // the client emits 'error' with nobody but the store listening (it ended the process with
      // "Unhandled 'error' event", which vitest reports as a failure of this file).
      await p.stop();
      await new Promise((resolve) => setTimeout(resolve, 100));
      await tx.query('SELECT 1');
    });
    await expect(attempt).rejects.toBeInstanceOf(StoreUnavailableError);
    await p.start();
    const event = newEvent();
    expect(await viaProxy.append(event)).toBe('inserted');
    expect(
      await viaProxy.writeTransaction(async (tx) => (await tx.query('SELECT 1 AS one')).rows),
    ).toEqual([{ one: 1 }]);
  });

  it('wakes listeners in other processes through NOTIFY after an append and a replay', async () => {
    const a = await open({ schema: 'notify' });
    const b = await open({ schema: 'notify' });
    await a.migrate();
    await nextWake(a); // listening
    let woken = nextWake(a);
    const event = newEvent({ receivedAt: at(-1) });
    await b.append(event);
    await woken;
    await b.claim({ owner: 'w', limit: 1, leaseMs: 10, now: t0 });
    await b.fail(event.id, 'w', { error: 'x', nextAttemptAt: null, now: t0 });
    woken = nextWake(a);
    expect(await b.replay(event.id, t0)).toBe(true);
    await woken;
  });

  it('keeps each schema to itself and creates it when missing', async () => {
    const one = await open({ schema: 'tenant_one' });
    const two = await open({ schema: 'tenant_two' });
    await one.migrate();
    await two.migrate();
    const event = newEvent();
    await one.append(event);
    expect((await one.get(event.id))?.id).toBe(event.id);
    expect(await two.get(event.id)).toBeUndefined();
    const tables = await one.read(async (db) => {
      const { rows } = await db.query<{ table_schema: string }>(
        `SELECT table_schema FROM information_schema.tables WHERE table_name = 'workos_inbox_events' ORDER BY 1`,
      );
      return rows.map((r) => r.table_schema);
    });
    expect(tables).toEqual(expect.arrayContaining(['tenant_one', 'tenant_two']));
    await expect(openStore({ database: url, schema: 'bad; drop' })).rejects.toMatchObject({
      code: 'invalid_schema',
    });
  });

  it('a schema with capitals is the schema of that name (it was looked up in lower case)', async () => {
    const mixed = await open({ schema: 'Tenant_Mixed' });
    await mixed.migrate();
    const event = newEvent();
    await mixed.append(event);
    expect((await mixed.get(event.id))?.id).toBe(event.id);
    const schemas = await mixed.read(async (db) => {
      const { rows } = await db.query<{ table_schema: string }>(
        `SELECT table_schema FROM information_schema.tables WHERE table_name = 'workos_inbox_events' AND table_schema ILIKE 'tenant_mixed'`,
      );
      return rows.map((r) => r.table_schema);
    });
    expect(schemas).toEqual(['Tenant_Mixed']);
  });

  it('refuses a poolSize that is not a positive integer, naming it', async () => {
    for (const poolSize of [0, -1, 1.5, Number.NaN]) {
      await expect(openStore({ database: url, poolSize })).rejects.toThrow(
        `poolSize must be a positive integer, got ${String(poolSize)}`,
      );
    }
  });

  it('never gives one event to two concurrent claimers (FOR UPDATE SKIP LOCKED)', async () => {
    const stores = await Promise.all([0, 1, 2].map(() => open({ schema: 'skip_locked' })));
    await stores[0]!.migrate();
    const events = Array.from({ length: 300 }, (_, i) => newEvent({ receivedAt: at(-i) }));
    await Promise.all(events.map((e) => stores[0]!.append(e)));
    const claimedBy = await Promise.all(
      stores.map(async (store, n) => {
        const ids: string[] = [];
        for (let round = 0; round < 100; round++) {
          const batch = await store.claim({ owner: `w${n}`, limit: 7, leaseMs: 60_000, now: t0 });
          if (batch.length === 0) break;
          ids.push(...batch.map((e) => e.id));
        }
        return ids;
      }),
    );
    const all = claimedBy.flat();
    expect(all).toHaveLength(300);
    expect(new Set(all).size).toBe(300);
  });
});

describe('PostgreSQL commit modes', () => {
  it("commits the worker's transactions asynchronously, and only those (SET LOCAL does not leak)", async () => {
    // One pooled connection: the read after the worker's transaction reuses its connection.
    const store = await open({ schema: 'commit_modes', poolSize: 1 });
    await store.migrate();
    const event = newEvent({ receivedAt: at(-1) });
    expect(await store.append(event)).toBe('inserted');
    const [claimed] = await store.claim({ owner: 'w', limit: 1, leaseMs: 60_000, now: t0 });
    expect(claimed?.id).toBe(event.id);
    let inHandler = '';
    const done = await store.complete(
      event.id,
      'w',
      async (tx) => {
        const { rows } = await tx.query<{ synchronous_commit: string }>('SHOW synchronous_commit');
        inHandler = rows[0]!.synchronous_commit;
      },
      t0,
    );
    expect(done).toBe(true);
    expect(inHandler).toBe('off');
    const after = await store.read(async (db) => {
      const { rows } = await db.query<{ synchronous_commit: string }>('SHOW synchronous_commit');
      return rows[0]!.synchronous_commit;
    });
    expect(after).toBe('on');
    expect((await store.get(event.id))?.status).toBe('done');
  });
});

describe('PostgreSQL session settings', () => {
  it('turns JIT off on every pooled connection, in transactions and plain reads alike', async () => {
    // Two connections at once, so the setting is not only on the first one the pool made.
    const store = await open({ schema: 'jit_off', poolSize: 2 });
    await store.migrate();
    const show = (db: Parameters<Parameters<Store['read']>[0]>[0]) =>
      db.query<{ jit: string }>('SHOW jit').then(({ rows }) => rows[0]!.jit);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const inTransaction = store.writeTransaction(async (tx) => {
      const jit = await show(tx);
      await held;
      return jit;
    });
    const inRead = await store.read(show);
    release();
    expect([await inTransaction, inRead]).toEqual(['off', 'off']);
  });
});

describe('PostgreSQL prepared statements (QueryOptions.prepare)', () => {
  it('prepares a statement run with `prepare` once per connection and runs it with the values of each call; others stay unprepared', async () => {
    const store = await open({ schema: 'prepared', poolSize: 1 });
    await store.migrate();
    const sql = 'SELECT $1::int + $2::int AS sum';
    const prepared = (db: Parameters<Parameters<Store['read']>[0]>[0]) =>
      db
        .query<{ statement: string }>(
          `SELECT statement FROM pg_prepared_statements WHERE NOT from_sql ORDER BY statement`,
        )
        .then(({ rows }) => rows.map((r) => r.statement));
    const sums: number[] = [];
    for (const [a, b] of [
      [1, 2],
      [40, 2],
    ] as const) {
      const { rows } = await store.read((db) =>
        db.query<{ sum: number }>(sql, [a, b], { prepare: true }),
      );
      sums.push(rows[0]!.sum);
    }
    // Inside a transaction too: the same name, on the one connection of this pool.
    const inTransaction = await store.writeTransaction(async (tx) => {
      await tx.query('SELECT $1::text AS unprepared', ['x']);
      return (await tx.query<{ sum: number }>(sql, [5, 5], { prepare: true })).rows[0]!.sum;
    });
    expect([...sums, inTransaction]).toEqual([3, 42, 10]);
    const statements = await store.read(prepared);
    expect(statements.filter((s) => s === sql)).toHaveLength(1);
    expect(statements.some((s) => s.includes('unprepared'))).toBe(false);
  });
});

describe('PostgreSQL lease extension during complete', () => {
  it('answers at once (held) while the owner is completing the event, without waiting on the row lock', async () => {
    const store = await open({ schema: 'extend_during_complete' });
    await store.migrate();
    const event = newEvent({ receivedAt: at(-1) });
    await store.append(event);
    await store.claim({ owner: 'w', limit: 1, leaseMs: 1000, now: t0 });
    let extended: boolean | undefined;
    const completed = await store.complete(
      event.id,
      'w',
      async () => {
        // Inside the handler: the row is locked by this very transaction.
        extended = await store.extendLease(event.id, 'w', at(60_000));
      },
      t0,
    );
    expect(completed).toBe(true);
    expect(extended).toBe(true);
    expect(await store.extendLease(event.id, 'w', at(90_000))).toBe(false);
  });
});

describe('serve while PostgreSQL is down', () => {
  it('/metrics still answers (database_up 0, no queue gauges) and the admin routes answer 503 store_unavailable', async () => {
    const direct = await open({ schema: 'down_routes' });
    await direct.migrate();
    const p = await proxy();
    const store = await open({ schema: 'down_routes', port: p.port });
    await store.append(newEvent());
    const token = 'admin-token-for-the-outage-test-0123456789';
    const http = await startServeRoutes({
      store,
      adminToken: token,
      metrics: [createQueueMetrics(store, systemClock)],
    });
    try {
      const scrape = async () => {
        const res = await fetch(`${http.url}/metrics`);
        return { status: res.status, text: await res.text() };
      };
      const up = await scrape();
      expect(up.status).toBe(200);
      expect(up.text).toMatch(/^workos_inbox_database_up 1$/m);
      expect(up.text).toMatch(/^workos_inbox_queue_depth\{status="pending"\} 1$/m);

      await p.stop();
      const down = await scrape();
      expect(down.status).toBe(200);
      expect(down.text).toMatch(/^workos_inbox_database_up 0$/m);
      // Left out rather than shown as a quiet queue.
      expect(down.text).not.toMatch(/^workos_inbox_queue_depth\{/m);
      const stats = await fetch(`${http.url}/inbox/stats`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(stats.status).toBe(503);
      expect(stats.headers.get('retry-after')).toBe('5');
      expect(await stats.json()).toMatchObject({ code: 'store_unavailable' });

      await p.start();
      expect((await scrape()).text).toMatch(/^workos_inbox_database_up 1$/m);

      // Frozen: connected, but nothing answers. The probes answer anyway, after their bound
      // (5 s): /readyz waited with no answer at all.
      await fetch(`${http.url}/readyz`);
      p.freeze();
      const ready = await fetch(`${http.url}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toEqual({
        status: 'not_ready',
        problems: ['the database did not answer within 5 s'],
      });
      expect((await scrape()).text).toMatch(/^workos_inbox_database_up 0$/m);
      // Cut the frozen connections, so the store can close.
      await p.stop();
    } finally {
      await http.close(1_000);
    }
  });
});
