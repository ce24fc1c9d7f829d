import pg from 'pg';
import { postgresAdminUrl } from './helpers/postgres.js';

/** Fail fast with a clear message when the PostgreSQL the tests need is not running. */
export default async function setup(): Promise<void> {
  const client = new pg.Client({
    connectionString: postgresAdminUrl,
    connectionTimeoutMillis: 5000,
  });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (error) {
    throw new Error(
      `The tests need PostgreSQL at ${postgresAdminUrl} (set WORKOS_INBOX_TEST_PG to change it): ${String(error)}`,
    );
  } finally {
    await client.end().catch(() => {});
  }
}
