import { WorkosInboxError } from '../errors/workos-inbox-error.js';
import { loadPostgresBackend, loadSqliteBackend } from './load-backend.js';
import type { Store, StoreOptions } from './types.js';

/** Whether `database` selects the PostgreSQL backend. */
export function isPostgresUrl(database: string): boolean {
  return /^postgres(ql)?:\/\//i.test(database);
}

/** The database option cannot name a store. */
export class InvalidDatabaseError extends WorkosInboxError {
  override readonly name = 'InvalidDatabaseError';
  readonly code = 'invalid_database';
}

/**
 * Open the store `options.database` names: a `postgres://` / `postgresql://` URL selects
 * PostgreSQL, anything else is a SQLite file path (its folder is created if missing).
 * Does not migrate: call `store.migrate()` (or use `openMigratedStore`). The backend and its
 * driver load here, not on import; a missing `pg` is a `DatabaseDriverMissingError`.
 */
export async function openStore(options: StoreOptions): Promise<Store> {
  const database = options.database.trim();
  if (database === '')
    throw new InvalidDatabaseError('database is empty: give a file path or a postgres:// URL');
  if (isPostgresUrl(database)) {
    const PostgresStore = await loadPostgresBackend();
    return PostgresStore.open({ ...options, database });
  }
  if (database === ':memory:' || database.startsWith('file:')) {
    throw new InvalidDatabaseError(
      `SQLite database "${database}" is not supported: give a file path (the append thread opens its own connection)`,
    );
  }
  const SqliteStore = await loadSqliteBackend();
  return SqliteStore.open({ ...options, database });
}

/** `openStore` then `migrate()`; closes the store again if migrating fails. */
export async function openMigratedStore(options: StoreOptions): Promise<Store> {
  const store = await openStore(options);
  try {
    await store.migrate();
  } catch (error) {
    await store.close().catch(() => {});
    throw error;
  }
  return store;
}
