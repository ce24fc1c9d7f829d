import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../helpers/postgres.js';
import {
  childEnv,
  cliPath,
  ensureBuilt,
  freePort,
  killAll,
  listEvents,
  runCli,
  startServe,
  waitFor,
} from './cli-harness.js';

// Child processes on a loaded CI machine: generous bounds; every wait inside is bounded too.

// Each handler call writes a row through the event's transaction: a row per event id proves
// exactly-once effects across processes, and survives a drain and a restart.
const handlersModule = `
const delayMs = Number(process.env.HANDLER_DELAY_MS ?? 0);
export default {
  async '*'(event, ctx) {
    if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
    await ctx.tx.query('INSERT INTO handled_events (id, pid) VALUES ($1, $2)', [event.id, process.pid]);
  },
};
`;

const secret = 'whsec_pg_cluster_secret_0123456789';
const adminToken = 'pg-cluster-admin-token-0123456789';

describe('PostgreSQL: --processes 2, SIGTERM drain, worker-only processes', () => {
  let cwd: string;
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let client: pg.Client;
  const env = () => ({
    DATABASE_URL: db.url,
    WORKOS_WEBHOOK_SECRET: secret,
    WORKOS_INBOX_ADMIN_TOKEN: adminToken,
  });
  const count = async (sql: string): Promise<number> =>
    Number((await client.query<{ n: string }>(sql)).rows[0]?.n ?? 0);

  const opened: Array<{ db: typeof db; client: pg.Client }> = [];
  // A database per test: a failed test's leftovers (leases of a killed process) stay in its own.
  const freshDatabase = async (): Promise<void> => {
    db = await createTestDatabase('wi_e2e_cli');
    client = new pg.Client({ connectionString: db.url });
    await client.connect();
    await client.query('CREATE TABLE handled_events (id text NOT NULL, pid integer NOT NULL)');
    opened.push({ db, client });
  };

  beforeAll(() => {
    ensureBuilt();
    cwd = mkdtempSync(join(tmpdir(), 'wi-e2e-pg-'));
    writeFileSync(join(cwd, 'handlers.mjs'), handlersModule);
  });

  afterAll(async () => {
    killAll();
    for (const { db: database, client: connection } of opened) {
      await connection.end();
      await database.drop();
    }
    rmSync(cwd, { recursive: true, force: true });
  });

  it('two processes share the port and the queue; every event is handled exactly once', async () => {
    await freshDatabase();
    const serve = await startServe(
      ['--processes', '2', '--pool-size', '4', '--handlers', './handlers.mjs'],
      {
        cwd,
        env: env(),
      },
    );
    try {
      const pids = await waitFor(async () => {
        const found = new Set(
          [...serve.output().stdout.matchAll(/"pid":(\d+)[^\n]*"msg":"workos-inbox serving"/g)].map(
            (m) => m[1],
          ),
        );
        return found.size === 2 ? found : undefined;
      }, 'two serving processes');
      expect(pids.size).toBe(2);

      const sent = await runCli(
        [
          'trigger',
          'dsync.user.created',
          '--count',
          '200',
          '--concurrency',
          '16',
          '--json',
          '--to',
          `${serve.base}/webhooks/workos`,
        ],
        { cwd, env: env() },
      );
      expect(sent.code, `${sent.stdout}\n${sent.stderr}`).toBe(0);
      expect(JSON.parse(sent.stdout)).toMatchObject({ sent: 200, '2xx': 200 });

      await waitFor(
        async () => (await count('SELECT count(*) AS n FROM handled_events')) >= 200,
        'handlers',
      );
      const done = await listEvents(cwd, ['--status', 'done'], env());
      expect(done).toHaveLength(200);
      expect(await count('SELECT count(DISTINCT id) AS n FROM handled_events')).toBe(200);
      expect(await count('SELECT count(*) AS n FROM handled_events')).toBe(200);

      // Whichever process a scrape lands on, /metrics is the whole cluster's: counters summed,
      // database-wide gauges not.
      for (let i = 0; i < 4; i++) {
        const metrics = await (await fetch(`${serve.base}/metrics`)).text();
        expect(metrics).toMatch(/^workos_inbox_events_accepted_total 200$/m);
        expect(metrics).toMatch(/^workos_inbox_queue_depth\{status="done"\} 200$/m);
      }

      expect(await serve.stop('SIGTERM')).toBe(0);
    } finally {
      await serve.stop('SIGTERM', 15_000);
    }
  });

  it('SIGTERM under load: every answered event is stored; a `work` process stopped mid-queue releases its leases; another finishes', async () => {
    await freshDatabase();
    // A receiver only: events stay queued so the drain has something in flight to protect.
    const serve = await startServe(['--no-worker', '--processes', '2', '--pool-size', '4'], {
      cwd,
      env: env(),
    });
    const trigger = spawn(
      process.execPath,
      [
        cliPath,
        'trigger',
        'dsync.group.created',
        '--count',
        '3000',
        '--concurrency',
        '16',
        '--json',
        '--to',
        `${serve.base}/webhooks/workos`,
      ],
      { cwd, env: childEnv(env()), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let triggerOut = '';
    trigger.stdout.on('data', (c: Buffer) => (triggerOut += c.toString()));
    const triggerDone = new Promise<number | null>((r) => trigger.on('exit', r));
    try {
      await waitFor(
        async () =>
          (await count(
            "SELECT count(*) AS n FROM workos_inbox_events WHERE event = 'dsync.group.created'",
          )) >= 300,
        'some events stored',
      );
      expect(await serve.stop('SIGTERM')).toBe(0);
      await triggerDone;
      const summary = JSON.parse(triggerOut) as { sent: number; '2xx': number };
      expect(summary['2xx']).toBeGreaterThanOrEqual(300);

      const stored = await listEvents(cwd, ['--event', 'dsync.group.created'], env());
      // Nothing answered 2xx is missing (a request cut by the shutdown may be stored unanswered).
      expect(stored.length).toBeGreaterThanOrEqual(summary['2xx']);
      expect(new Set(stored.map((e) => e.id)).size).toBe(stored.length);
      expect(stored.every((e) => e.status === 'pending')).toBe(true);

      // A slow worker, stopped while it holds leases: it finishes what it started, gives the rest back.
      const slow = await startServe(['--handlers', './handlers.mjs'], {
        cwd,
        env: { ...env(), HANDLER_DELAY_MS: '20' },
        command: 'work',
      });
      await waitFor(
        async () => (await count('SELECT count(*) AS n FROM handled_events')) >= 50,
        'some handled',
      );
      expect(await slow.stop('SIGTERM')).toBe(0);
      expect(
        await listEvents(cwd, ['--status', 'processing', '--event', 'dsync.group.created'], env()),
      ).toEqual([]);
      expect(await count('SELECT count(*) AS n FROM handled_events')).toBeLessThan(stored.length);

      const metricsPort = await freePort();
      const worker = await startServe(
        [
          '--handlers',
          './handlers.mjs',
          '--host',
          '127.0.0.1',
          '--metrics-port',
          String(metricsPort),
        ],
        { cwd, env: env(), command: 'work' },
      );
      await waitFor(
        async () => (await count('SELECT count(*) AS n FROM handled_events')) >= stored.length,
        'the work process to drain the queue',
        60_000,
      );
      // A worker-only process serves probes and metrics on --metrics-port, and nothing else.
      const workerBase = `http://127.0.0.1:${metricsPort}`;
      expect((await fetch(`${workerBase}/healthz`)).status).toBe(200);
      expect((await fetch(`${workerBase}/readyz`)).status).toBe(200);
      const metrics = await (await fetch(`${workerBase}/metrics`)).text();
      expect(metrics).toMatch(/^workos_inbox_attempts_total\{outcome="done"\} [1-9]\d*$/m);
      expect((await fetch(`${workerBase}/webhooks/workos`, { method: 'POST' })).status).toBe(404);
      expect((await fetch(`${workerBase}/inbox/events`)).status).toBe(404);
      expect(await worker.stop('SIGTERM')).toBe(0);
      expect(await count('SELECT count(DISTINCT id) AS n FROM handled_events')).toBe(stored.length);
      expect(await count('SELECT count(*) AS n FROM handled_events')).toBe(stored.length);
      const all = await listEvents(cwd, ['--event', 'dsync.group.created'], env());
      expect(all.length).toBe(stored.length);
      expect(all.filter((e) => e.status !== 'done')).toEqual([]);
    } finally {
      trigger.kill('SIGKILL');
      await serve.stop('SIGTERM', 15_000);
    }
  });
});
