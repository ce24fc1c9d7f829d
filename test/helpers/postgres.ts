import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';

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
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}
