import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The local PostgreSQL server every machine (and CI) runs. */
export const postgresAdminUrl =
  process.env.WORKOS_INBOX_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/postgres';

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
