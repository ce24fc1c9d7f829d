import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../helpers/postgres.js';
import { ensureBuilt, killAll, listEvents, runCli, startServe, waitFor } from './cli-harness.js';

// Each handler call records the thread it ran on (0: the main thread) through the event's
// transaction, so the test sees where `serve` ran its worker.
const handlersModule = `
import { threadId } from 'node:worker_threads';
export default {
  async '*'(event, ctx) {
    await ctx.tx.query('CREATE TABLE IF NOT EXISTS handled_events (id text NOT NULL, thread_id integer NOT NULL)');
    await ctx.tx.query('INSERT INTO handled_events (id, thread_id) VALUES ($1, $2)', [event.id, threadId]);
  },
};
`;
const brokenHandlers = `throw new Error('handlers module exploded on import');\n`;
// Ends the thread it runs on (on the main thread it would end the process).
const exitingHandlers = `export default { 'dsync.user.created': () => process.exit(3) };\n`;

const secret = 'whsec_worker_thread_secret_0123456789';
const adminToken = 'worker-thread-admin-token-0123456789';

type Ran = Array<{ threadId: number; n: number }>;

describe.each(['sqlite', 'postgres'] as const)(
  'serve on %s runs its worker in a thread of its own',
  (backend) => {
    let cwd: string;
    const cleanups: Array<() => Promise<void>> = [];
    let databases = 0;
    const database = async () => {
      const env = { WORKOS_WEBHOOK_SECRET: secret, WORKOS_INBOX_ADMIN_TOKEN: adminToken };
      if (backend === 'sqlite') {
        const file = join(cwd, `inbox-${++databases}.db`);
        const threads = async (): Promise<Ran> => {
          const db = new Database(file, { readonly: true, fileMustExist: true });
          try {
            const exists = db
              .prepare("SELECT 1 FROM sqlite_master WHERE name = 'handled_events'")
              .get();
            if (!exists) return [];
            return (
              db
                .prepare('SELECT thread_id, count(*) AS n FROM handled_events GROUP BY thread_id')
                .all() as Array<{ thread_id: number; n: number }>
            ).map((r) => ({ threadId: r.thread_id, n: r.n }));
          } finally {
            db.close();
          }
        };
        return { env: { ...env, DATABASE_URL: file }, threads };
      }
      const db = await createTestDatabase('wi_e2e_thread');
      const client = new pg.Client({ connectionString: db.url });
      await client.connect();
      cleanups.push(async () => {
        await client.end();
        await db.drop();
      });
      const threads = async (): Promise<Ran> => {
        const exists = await client.query("SELECT to_regclass('handled_events') AS t");
        if (exists.rows[0]?.t === null) return [];
        return (
          await client.query<{ thread_id: number; n: string }>(
            'SELECT thread_id, count(*) AS n FROM handled_events GROUP BY thread_id',
          )
        ).rows.map((r) => ({ threadId: r.thread_id, n: Number(r.n) }));
      };
      return { env: { ...env, DATABASE_URL: db.url }, threads };
    };

    beforeAll(() => {
      ensureBuilt();
      cwd = mkdtempSync(join(tmpdir(), 'wi-e2e-thread-'));
      writeFileSync(join(cwd, 'handlers.mjs'), handlersModule);
      writeFileSync(join(cwd, 'broken.mjs'), brokenHandlers);
      writeFileSync(join(cwd, 'exiting.mjs'), exitingHandlers);
    });

    afterAll(async () => {
      killAll();
      for (const cleanup of cleanups) await cleanup();
      rmSync(cwd, { recursive: true, force: true });
    });

    it('handlers run off the main thread; /metrics sums both threads once; SIGTERM stops both cleanly', async () => {
      const { env, threads } = await database();
      const serve = await startServe(['--handlers', './handlers.mjs'], { cwd, env });
      try {
        expect(serve.output().stdout).toMatch(
          /"worker":"thread"[^\n]*"msg":"workos-inbox serving"/,
        );
        const sent = await runCli(
          ['trigger', 'dsync.user.created', '--count', '60', '--json'].concat([
            '--to',
            `${serve.base}/webhooks/workos`,
          ]),
          { cwd, env },
        );
        expect(JSON.parse(sent.stdout)).toMatchObject({ sent: 60, '2xx': 60 });
        await waitFor(async () => (await threads()).reduce((n, t) => n + t.n, 0) >= 60, 'handlers');
        const ran = await threads();
        expect(ran).toHaveLength(1);
        expect(ran[0]!.threadId).not.toBe(0);
        expect(ran[0]!.n).toBe(60);
        // The mirror ran in the thread too.
        const users = await runCli(['directory', 'users', '--json'], { cwd, env });
        expect(users.stdout.trim().split('\n')).toHaveLength(60);

        // Receiving counters come from the main thread, processing counters from the worker
        // thread; each family appears once.
        const metrics = await (await fetch(`${serve.base}/metrics`)).text();
        expect(metrics).toMatch(/^workos_inbox_events_accepted_total 60$/m);
        expect(metrics).toMatch(/^workos_inbox_attempts_total\{outcome="done"\} 60$/m);
        expect(metrics.match(/^# TYPE workos_inbox_attempts_total /gm)).toHaveLength(1);
        expect(metrics.match(/^# TYPE workos_inbox_events_accepted_total /gm)).toHaveLength(1);

        expect(await serve.stop('SIGTERM')).toBe(0);
        expect(serve.output().stdout).toMatch(/"msg":"stopped cleanly"/);
        expect(await listEvents(cwd, ['--status', 'processing'], env)).toEqual([]);
      } finally {
        await serve.stop('SIGKILL');
      }
    });

    it('--no-worker-thread keeps the worker on the main thread', async () => {
      const { env, threads } = await database();
      const serve = await startServe(['--handlers', './handlers.mjs', '--no-worker-thread'], {
        cwd,
        env,
      });
      try {
        expect(serve.output().stdout).toMatch(/"worker":true[^\n]*"msg":"workos-inbox serving"/);
        await runCli(
          [
            'trigger',
            'dsync.user.created',
            '--count',
            '5',
            '--to',
            `${serve.base}/webhooks/workos`,
          ],
          {
            cwd,
            env,
          },
        );
        await waitFor(async () => (await threads()).reduce((n, t) => n + t.n, 0) >= 5, 'handlers');
        expect(await threads()).toEqual([{ threadId: 0, n: 5 }]);
        expect(await serve.stop('SIGTERM')).toBe(0);
      } finally {
        await serve.stop('SIGKILL');
      }
    });

    it('a handlers module that fails in the thread stops serve at start with its error and the usage exit code', async () => {
      const { env } = await database();
      const inThread = await runCli(['serve', '--port', '0', '--handlers', './broken.mjs'], {
        cwd,
        env,
      });
      const onMain = await runCli(
        ['serve', '--port', '0', '--handlers', './broken.mjs', '--no-worker-thread'],
        { cwd, env },
      );
      expect(inThread.stderr).toMatch(
        /^workos-inbox: --handlers: cannot load \S*broken\.mjs: handlers module exploded on import$/m,
      );
      // The same message and exit code as when the worker runs on the main thread.
      expect(inThread.stderr).toBe(onMain.stderr);
      expect(inThread.code).toBe(onMain.code);
      expect(inThread.code).not.toBe(0);
    });

    it('a worker thread that ends while serving ends the process, loudly, with the event kept', async () => {
      const { env } = await database();
      const serve = await startServe(['--handlers', './exiting.mjs'], { cwd, env });
      try {
        const sent = await runCli(
          ['trigger', 'dsync.user.created', '--json', '--to', `${serve.base}/webhooks/workos`],
          { cwd, env },
        );
        expect(JSON.parse(sent.stdout)).toMatchObject({ sent: 1, '2xx': 1 });
        const code = await waitFor(async () => serve.child.exitCode ?? undefined, 'serve to exit');
        expect(code).toBe(1);
        expect(serve.output().stdout).toMatch(/"level":60[^\n]*the worker thread crashed; exiting/);
        // Accepted before the crash: still there, to be processed after a restart.
        const stored = await listEvents(cwd, [], env);
        expect(stored).toHaveLength(1);
        expect(stored[0]!.status).not.toBe('done');
      } finally {
        await serve.stop('SIGKILL');
      }
    });
  },
);
