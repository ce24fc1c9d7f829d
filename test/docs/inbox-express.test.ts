// Runs the README's complete programs as users do: the Express app (examples/inbox-express.ts)
// as its own process on SQLite and PostgreSQL, stopped with SIGTERM; and the walkthrough's
// handlers module (examples/handlers.mjs) under the built `workos-inbox serve --handlers`.
import { spawn } from 'node:child_process';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { generateTestWebhook } from '../../src/testing/index.js';
import {
  ensureBuilt,
  freePort,
  killAll,
  listEvents,
  runCli,
  startServe,
  waitFor,
} from '../e2e/cli-harness.js';
import { createTestDatabase } from '../helpers/postgres.js';
import { createTempSqlitePath } from '../helpers/sqlite.js';
import { repoRoot } from './doc-blocks.js';

const secret = 'whsec_docs_express';
const userId = 'directory_user_01HDOCSEXAMPLE0000000000001';
const otherUserId = 'directory_user_01HDOCSEXAMPLE0000000000002';
const userCreated = (seed: number, email: string) =>
  generateTestWebhook({
    secret,
    event: 'dsync.user.created',
    seed,
    overrides: { data: { id: userId, email } },
  });

type Query = (sql: string) => Promise<Record<string, unknown>[]>;

async function openDatabase(kind: 'sqlite' | 'postgres') {
  if (kind === 'sqlite') {
    const temp = createTempSqlitePath();
    let db: Database.Database | undefined;
    const query: Query = async (sql) => {
      db ??= new Database(temp.path, { readonly: true });
      return db.prepare(sql).all() as Record<string, unknown>[];
    };
    return { url: temp.path, query, close: async () => (db?.close(), temp.cleanup()) };
  }
  const database = await createTestDatabase('wi_docs_express');
  const pool = new pg.Pool({ connectionString: database.url, max: 1 });
  const query: Query = async (sql) => (await pool.query(sql)).rows as Record<string, unknown>[];
  return { url: database.url, query, close: async () => (await pool.end(), database.drop()) };
}

afterAll(() => killAll());

describe.each(['sqlite', 'postgres'] as const)(
  'README: the inbox in an Express app, on %s',
  (kind) => {
    it('stores and processes events into its own table, idempotently, and exits 0 on SIGTERM', async () => {
      const db = await openDatabase(kind);
      const port = await freePort();
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', 'test/docs/examples/inbox-express.ts'],
        {
          cwd: repoRoot,
          env: {
            ...process.env,
            DATABASE_URL: db.url,
            PORT: String(port),
            WORKOS_WEBHOOK_SECRET: secret,
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let output = '';
      child.stdout.on('data', (c: Buffer) => (output += c.toString()));
      child.stderr.on('data', (c: Buffer) => (output += c.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
      try {
        const url = `http://127.0.0.1:${port}/webhooks/workos`;
        await waitFor(
          async () => (await fetch(url, { method: 'GET' })).status,
          'the app to listen',
          60_000,
        );
        const post = async (delivery: ReturnType<typeof userCreated>) => {
          const res = await fetch(url, { method: 'POST', ...delivery });
          return { status: res.status, body: (await res.json()) as { status: string } };
        };
        const doneRows = async (n: number, email: string) => {
          const events = await db.query('SELECT status FROM workos_inbox_events');
          const users = await db.query('SELECT directory_user_id, email FROM users');
          const done = events.length === n && events.every((e) => e.status === 'done');
          return done && users.length === 1 && users[0]!.email === email ? users : undefined;
        };

        const first = userCreated(1, 'ada@example.com');
        expect(await post(first)).toEqual({
          status: 200,
          body: expect.objectContaining({ status: 'accepted' }),
        });
        expect((await post(first)).body.status).toBe('duplicate');
        await waitFor(() => doneRows(1, 'ada@example.com'), 'the first event processed', 60_000);

        // Another event for the same user: ON CONFLICT updates instead of failing the handler.
        expect((await post(userCreated(2, 'ada@example.org'))).status).toBe(200);
        const users = await waitFor(
          () => doneRows(2, 'ada@example.org'),
          'the second event processed',
          60_000,
        );
        expect(users).toEqual([{ directory_user_id: userId, email: 'ada@example.org' }]);

        // A delivery without an email (older ones omit it; the types say string | null): the
        // handler stores NULL instead of failing on an undefined parameter until the event is dead.
        const noEmail = generateTestWebhook({
          secret,
          event: 'dsync.user.created',
          seed: 3,
          overrides: { data: { id: otherUserId, email: undefined } },
        });
        expect((await post(noEmail)).status).toBe(200);
        const [settled] = await waitFor(
          async () => {
            const rows = await db.query(
              `SELECT status, last_error FROM workos_inbox_events WHERE id = '${noEmail.payload.id}'`,
            );
            // Done, or failed once: either settles the question without waiting out the retries.
            return rows[0]?.status === 'done' || rows[0]?.last_error ? rows : undefined;
          },
          'the event without an email attempted',
          60_000,
        );
        expect(settled).toEqual({ status: 'done', last_error: null });
        expect(
          await db.query(`SELECT email FROM users WHERE directory_user_id = '${otherUserId}'`),
        ).toEqual([{ email: null }]);

        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
        const code = await exited;
        clearTimeout(timer);
        expect(code, output).toBe(0);
        await expect(fetch(url, { method: 'POST', ...first })).rejects.toThrow();
      } finally {
        child.kill('SIGKILL');
        await db.close();
      }
    });
  },
);

describe('README walkthrough: serve --handlers ./handlers.mjs', () => {
  it('writes to the table the module creates, and a replay updates instead of failing', async () => {
    ensureBuilt();
    const temp = createTempSqlitePath();
    copyFileSync(join(repoRoot, 'test/docs/examples/handlers.mjs'), join(temp.dir, 'handlers.mjs'));
    const serve = await startServe(
      ['--handlers', './handlers.mjs', '--secret', secret, '--admin-token', 'docs_admin_token'],
      { cwd: temp.dir },
    );
    try {
      const delivery = userCreated(3, 'grace@example.com');
      const res = await fetch(`${serve.base}/webhooks/workos`, { method: 'POST', ...delivery });
      expect(res.status).toBe(200);
      const done = () =>
        waitFor(
          async () => {
            const events = await listEvents(temp.dir);
            return events.length === 1 && events[0]!.status === 'done' ? events : undefined;
          },
          'the event processed',
          60_000,
        );
      await done();
      const replay = await runCli(['events', 'replay', delivery.payload.id], { cwd: temp.dir });
      expect(replay.code, replay.stderr).toBe(0);
      const [event] = await waitFor(
        async () => {
          const events = await listEvents(temp.dir);
          return events[0]?.status === 'done' && events[0].attempts === 1 ? events : undefined;
        },
        'the replay processed',
        60_000,
      );
      expect(event!.id).toBe(delivery.payload.id);
      // A delivery without an email is stored with a NULL one, not retried until dead.
      const noEmail = generateTestWebhook({
        secret,
        event: 'dsync.user.created',
        seed: 4,
        overrides: { data: { id: otherUserId, email: undefined } },
      });
      const noEmailRes = await fetch(`${serve.base}/webhooks/workos`, {
        method: 'POST',
        ...noEmail,
      });
      expect(noEmailRes.status).toBe(200);
      const settled = await waitFor(
        async () =>
          (await listEvents(temp.dir)).find(
            (e) => e.id === noEmail.payload.id && (e.status === 'done' || e.attempts > 0),
          ),
        'the event without an email attempted',
        60_000,
      );
      expect(settled.status).toBe('done');
      const db = new Database(join(temp.dir, '.workos-inbox', 'inbox.db'), { readonly: true });
      expect(db.prepare('SELECT id, email FROM app_users ORDER BY id').all()).toEqual([
        { id: userId, email: 'grace@example.com' },
        { id: otherUserId, email: null },
      ]);
      db.close();
      expect(serve.output().stdout).toContain('"msg":"processed"');
    } finally {
      expect(await serve.stop()).toBe(0);
      temp.cleanup();
    }
  });
});
