import { createTestDatabase } from '../../helpers/postgres.js';
import { createTempSqlitePath } from '../../helpers/sqlite.js';

export type BackendKind = 'sqlite' | 'postgres';
export const backendKinds: readonly BackendKind[] = ['sqlite', 'postgres'];

/** A fresh database of either kind: a SQLite file in a temp folder, or a new PostgreSQL database. */
export async function createBackend(
  kind: BackendKind,
  /** Name prefix of the PostgreSQL database (shows which test file left it behind). */
  prefix = 'wi_inbox',
): Promise<{ database: string; cleanup: () => Promise<void> }> {
  if (kind === 'sqlite') {
    const tmp = createTempSqlitePath();
    return { database: tmp.path, cleanup: async () => tmp.cleanup() };
  }
  const db = await createTestDatabase(prefix);
  return { database: db.url, cleanup: db.drop };
}
