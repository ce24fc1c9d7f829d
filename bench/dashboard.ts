// npm run bench:dashboard — the dashboard's events page over 1,000,000 stored events (SQLite).
//
// The events are written straight into a fresh SQLite file (one transaction, prepared insert;
// migrations and triggers as `serve` has them), then serve's request handler with the dashboard
// answers signed-in GETs of the events page on a loopback port. Server time is measured around
// the handler (request in → response finished), so the HTTP client's own cost is not in it.
// Cases: the first page (newest first), a filtered first page (status + name), a filtered page
// deep in the keyset (via its cursor), and a time-filtered page. Each round runs every case
// BENCH_REQUESTS times, interleaved; the figure per case is p50 and p99 of each round, reported
// as median with the min–max over rounds. The baseline is `store.list` for the same first page
// in this process (the database part alone), so the ratio shows what rendering adds.
// Sizes: BENCH_EVENTS (1000000), BENCH_ROUNDS (5), BENCH_REQUESTS (200). Below about 500,000
// events fewer than 1,001 rows match the deep case's filter, so it has no cursor and reads the
// filtered first page again (said in the output). Flags: --json (one JSON line at the end: each
// case's p50 / baseline p50, for `npm run bench`).
// A benchmark, not a test: nothing here fails on a slow machine.
import { median, quantile } from './fixtures/stats.js';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { systemClock } from '../src/clock.js';
import { createDashboard } from '../src/dashboard/create-dashboard.js';
import { startHttpServer } from '../src/server/http-server.js';
import { createRequestHandler } from '../src/server/request-handler.js';
import { openStore } from '../src/store/open-store.js';
import { benchFlags } from './fixtures/flags.js';

const { values } = benchFlags('npm run bench:dashboard -- [--json]', {
  json: { type: 'boolean' },
});
const json = values.json === true;

const total = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
const requests = Number(process.env.BENCH_REQUESTS ?? 200);
const token = 'bench-dashboard-admin-token-0123456789';

const names = [
  'dsync.user.created',
  'dsync.user.updated',
  'dsync.user.deleted',
  'dsync.group.created',
  'dsync.group.updated',
  'dsync.group.user_added',
  'dsync.group.user_removed',
  'user.created',
  'organization.updated',
  'connection.activated',
];
/** Mostly done, as in a healthy inbox; a few of each other status. */
function statusOf(i: number): string {
  const r = (i * 7919) % 1000;
  if (r < 20) return 'dead';
  if (r < 35) return 'retrying';
  if (r < 45) return 'pending';
  return 'done';
}

// BENCH_DASHBOARD_DB=<file> keeps the database for the next run (which then skips the insert).
const kept = process.env.BENCH_DASHBOARD_DB;
const dir = kept ? undefined : mkdtempSync(join(tmpdir(), 'wi-bench-dashboard-'));
const database = kept ?? join(dir ?? '', 'inbox.db');
try {
  let insertSeconds: number | undefined;
  if (!kept || !existsSync(kept)) insertSeconds = await insertEvents();
  await measure(insertSeconds);
} finally {
  if (dir) rmSync(dir, { recursive: true, force: true });
}

async function insertEvents(): Promise<number> {
  // Schema exactly as `serve` creates it.
  const setup = await openStore({ database });
  await setup.migrate();
  await setup.close();

  const t0 = performance.now();
  const db = new Database(database);
  // Bulk load: no journal, a large cache, and the table's indexes dropped during the insert and
  // created again afterwards from their own definitions (sorting once beats 1M index updates).
  // No ANALYZE: serve never runs it, so the planner sees what it sees in production.
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -262144');
  const indexes = db
    .prepare(
      `SELECT name, sql FROM sqlite_master
       WHERE type = 'index' AND tbl_name = 'workos_inbox_events' AND sql IS NOT NULL`,
    )
    .all() as Array<{ name: string; sql: string }>;
  for (const index of indexes) db.exec(`DROP INDEX ${index.name}`);
  const insert = db.prepare(
    `INSERT INTO workos_inbox_events (id, event, created_at, received_at, raw_body, source, status,
       attempts, next_attempt_at, last_error, processed_at)
     VALUES (?, ?, ?, ?, ?, 'webhook', ?, ?, ?, ?, ?)`,
  );
  const start = Date.now() - 30 * 86_400_000;
  const step = (30 * 86_400_000) / total;
  db.transaction(() => {
    for (let i = 0; i < total; i++) {
      const id = `event_${String(i).padStart(26, '0')}`;
      const event = names[i % names.length] as string;
      const at = new Date(start + i * step).toISOString();
      const status = statusOf(i);
      const body = `{"id":"${id}","event":"${event}","created_at":"${at}","data":{"id":"directory_user_${i}","email":"user${i}@example.com","state":"active"}}`;
      insert.run(
        id,
        event,
        at,
        at,
        Buffer.from(body),
        status,
        status === 'done' ? 1 : status === 'pending' ? 0 : 3,
        status === 'pending' || status === 'retrying' ? at : null,
        status === 'dead' || status === 'retrying'
          ? 'Error: handler failed\n    at handler (app.js:1:1)'
          : null,
        status === 'done' ? at : null,
      );
    }
  })();
  for (const index of indexes) db.exec(index.sql);
  db.pragma('journal_mode = WAL');
  db.close();
  return (performance.now() - t0) / 1000;
}

async function measure(insertSeconds: number | undefined): Promise<void> {
  const store = await openStore({ database });
  const dashboard = createDashboard({
    store,
    clock: systemClock,
    logger: pino({ level: 'silent' }),
    adminToken: token,
    trustProxy: false,
    metrics: new Registry(),
    pull: false,
    devSignIn: false,
  });
  const handler = createRequestHandler({
    store,
    clock: systemClock,
    logger: pino({ level: 'silent' }),
    webhookPath: '/webhooks/workos',
    adminToken: token,
    production: false,
    trustProxy: false,
    allowIps: [],
    metrics: [],
    dashboard,
  });
  // Server time per request: handler entry to the response's last byte handed to the socket.
  // Also the CPU time the process (all its threads) used meanwhile: on a machine loaded by other
  // work, wall time includes waiting for a core, which CPU time does not.
  let lastServerMs = 0;
  let lastCpuMs = 0;
  const timed = (req: IncomingMessage, res: ServerResponse) => {
    const begin = performance.now();
    const cpu = process.cpuUsage();
    res.on('finish', () => {
      lastServerMs = performance.now() - begin;
      const used = process.cpuUsage(cpu);
      lastCpuMs = (used.user + used.system) / 1000;
    });
    handler(req, res);
  };
  const http = await startHttpServer(
    { port: 0, host: '127.0.0.1', maxHeaderBytes: 16_384, requestTimeoutMs: 30_000 },
    timed,
  );

  // Sign in as a browser would.
  const form = await fetch(`${http.url}/dashboard/signin`);
  const csrf = /name="csrf" value="([^"]+)"/.exec(await form.text())?.[1] ?? '';
  const signInCookie = (form.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const signedIn = await fetch(`${http.url}/dashboard/signin`, {
    method: 'POST',
    headers: { cookie: signInCookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ csrf, token }).toString(),
    redirect: 'manual',
  });
  const cookie =
    signedIn.headers
      .getSetCookie()
      .find((c) => c.startsWith('wi_session='))
      ?.split(';')[0] ?? '';
  if (!cookie) throw new Error(`sign-in failed: ${signedIn.status}`);

  // A cursor 1,000 rows into the filtered list: keyset pages cost the same wherever they are.
  const deep = await store.list({ status: 'dead', event: 'dsync.group.created', limit: 1000 });
  const cursor = deep.nextCursor ?? '';
  const cases: Array<[string, string]> = [
    ['first page', '/dashboard/events'],
    [
      'status=dead&event=dsync.group.created',
      '/dashboard/events?status=dead&event=dsync.group.created',
    ],
    [
      'same filter, page after 1,000 rows',
      `/dashboard/events?status=dead&event=dsync.group.created&after=${encodeURIComponent(cursor)}`,
    ],
    ['status=retrying&since=7d', '/dashboard/events?status=retrying&since=7d'],
  ];
  const get = async (path: string): Promise<[number, number]> => {
    const res = await fetch(`${http.url}${path}`, { headers: { cookie } });
    const body = await res.text();
    if (res.status !== 200 || !body.includes('event-rows')) {
      throw new Error(`${path} answered ${res.status}`);
    }
    return [lastServerMs, lastCpuMs];
  };

  for (const [, path] of cases) for (let i = 0; i < 20; i++) await get(path); // warm up
  const perCase = new Map(
    cases.map(([name]) => [
      name,
      { p50: [] as number[], p99: [] as number[], cpuP99: [] as number[] },
    ]),
  );
  const baseline: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const samples = new Map(cases.map(([name]) => [name, [] as number[]]));
    const cpuSamples = new Map(cases.map(([name]) => [name, [] as number[]]));
    const base: number[] = [];
    for (let i = 0; i < requests; i++) {
      for (const [name, path] of cases) {
        const [wall, cpu] = await get(path);
        samples.get(name)?.push(wall);
        cpuSamples.get(name)?.push(cpu);
      }
      const b = performance.now();
      await store.list({ limit: 50, order: 'desc' });
      base.push(performance.now() - b);
    }
    for (const [name, xs] of samples) {
      perCase.get(name)?.p50.push(quantile(xs, 0.5));
      perCase.get(name)?.p99.push(quantile(xs, 0.99));
      perCase.get(name)?.cpuP99.push(quantile(cpuSamples.get(name) ?? [], 0.99));
    }
    baseline.push(quantile(base, 0.5));
  }

  const fmt = (xs: number[]) =>
    `${median(xs).toFixed(2)} ms (${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)})`;
  console.log(`${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}`);
  console.log(
    `load average at the end: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  const stats = await store.stats(new Date(), { estimateDone: true });
  const stored = Object.values(stats.byStatus).reduce((a, b) => a + b, 0);
  console.log(
    `${stored.toLocaleString('en-US')} events stored` +
      (insertSeconds === undefined
        ? ' (kept from a previous run)'
        : `, inserted in ${insertSeconds.toFixed(1)} s`),
  );
  console.log(`${rounds} rounds × ${requests} requests per case; median (min–max over rounds)`);
  if (!cursor) {
    console.log(
      'fewer than 1,001 events match status=dead&event=dsync.group.created: no cursor, so "page after 1,000 rows" reads the filtered first page',
    );
  }
  console.log(`baseline store.list first page (50 rows), p50: ${fmt(baseline)}`);
  const ratios: Record<string, number> = {};
  for (const [name] of cases) {
    const c = perCase.get(name);
    if (!c) continue;
    ratios[name] = median(c.p50) / median(baseline);
    console.log(
      `${name.padEnd(40)} p50 ${fmt(c.p50)}  p99 ${fmt(c.p99)}  CPU p99 ${fmt(c.cpuP99)}  p50 ${ratios[name].toFixed(1)}× baseline`,
    );
  }
  if (json) {
    console.log(
      JSON.stringify({
        bench: 'dashboard',
        events: stored,
        rounds,
        requests,
        deepCursor: cursor !== '',
        baselineP50Ms: median(baseline),
        p50Ms: Object.fromEntries([...perCase].map(([name, c]) => [name, median(c.p50)])),
        p99Ms: Object.fromEntries([...perCase].map(([name, c]) => [name, median(c.p99)])),
        ratios,
      }),
    );
  }
  dashboard.close();
  await http.close(1000);
  await store.close();
}
