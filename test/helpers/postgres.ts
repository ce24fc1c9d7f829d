import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { waitWhileProgressing } from './wait-while-progressing.js';

/**
 * The run's PostgreSQL (configured, local or embedded), found once by test/global-setup.ts.
 * Subprocesses get database URLs derived from it, never a default of their own.
 */
export const postgresAdminUrl = inject('postgresAdminUrl');

/**
 * A fresh database for one test file. Call `drop()` in afterAll.
 * Each test file gets its own, so files can run in parallel.
 */
export async function createTestDatabase(
  prefix = 'wi_test',
): Promise<{ url: string; name: string; drop: () => Promise<void> }> {
  const name = `${prefix}_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: postgresAdminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(postgresAdminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: async () => {
      const c = new pg.Client({ connectionString: postgresAdminUrl });
      await c.connect();
      try {
        await waitForDisconnections(c, name);
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

/**
 * Waits until no session is connected to `name`. `pool.end()` resolves when it has asked its
 * connections to close, not when they have: a `DROP DATABASE … WITH (FORCE)` sent at once can
 * terminate a session that has not yet read its Terminate message, and the server's "terminating
 * connection due to administrator command" then reaches a client the pool has let go, as an
 * 'error' event nobody listens to (an uncaught exception: the run fails though every test passed).
 * Sessions that stop leaving (a test leaked them) are left to FORCE after the suite's patience;
 * the leak then shows as that uncaught error, naming the file.
 */
async function waitForDisconnections(admin: pg.Client, name: string): Promise<void> {
  const sessions = async () =>
    (
      await admin.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1',
        [name],
      )
    ).rows[0]!.n;
  await waitWhileProgressing(sessions, {
    done: (n) => n === 0,
    progress: (n) => -n,
    what: `sessions on ${name}`,
    intervalMs: 10,
  }).catch(() => {});
}
