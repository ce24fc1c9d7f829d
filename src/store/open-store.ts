import { WorkosInboxError } from '../errors/workos-inbox-error.js';
import { redactDatabase } from './redact-database.js';
import { InvalidSchemaError, schemaWithSqliteProblem } from './postgres/invalid-schema-error.js';
import { sslModeProblem } from './postgres/ssl-mode.js';
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

/** Whether pg's connection-string parser reads `url` (its steps: spaces encoded, an empty host). */
function driverParses(url: string): boolean {
  const text = / |%[^a-f0-9]|%[a-f0-9][^a-f0-9]/i.test(url)
    ? encodeURI(url).replace(/%25(\d\d)/g, '%$1')
    : url;
  return URL.canParse(text) || URL.canParse(text.replace('@/', '@___DUMMY___/'));
}

/**
 * What is wrong with `database` as a store's name, or undefined. A URL of another scheme (a
 * misspelled `postgress://`, `mysql://`) is refused rather than taken for a SQLite file path,
 * which would store events in a new file named after the URL, password included. A PostgreSQL URL
 * must parse as a URL (the driver's own parser would fail later with a bare `Invalid URL`).
 */
export function databaseProblem(database: string): string | undefined {
  const trimmed = database.trim();
  if (trimmed === '') return 'database is empty: give a file path or a postgres:// URL';
  const shown = redactDatabase(trimmed);
  if (isPostgresUrl(trimmed)) {
    if (!driverParses(trimmed)) {
      return `the PostgreSQL URL "${shown}" does not parse as a URL (postgres://user:password@host:5432/database; percent-encode special characters in the password)`;
    }
    return sslModeProblem(trimmed);
  }
  // `postgres:`, `postgresql:/host/db`: meant for PostgreSQL, and a path to SQLite (`migrate`
  // made a file `postgres:`, or folders `postgresql:/host/`). Not echoed: it may hold a password.
  const almost = /^(postgres(?:ql)?):/i.exec(trimmed)?.[1];
  if (almost !== undefined) {
    return (
      `the database starts with "${almost}:" but is not a ${almost}:// URL: write ` +
      'postgres://user:password@host:5432/database, or postgres:// alone to take the rest from ' +
      'PGHOST, PGPORT, PGUSER, PGPASSWORD and PGDATABASE'
    );
  }
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(trimmed)?.[1];
  if (scheme !== undefined && scheme.toLowerCase() !== 'file') {
    return `the database "${shown}" is a ${scheme}:// URL: give a postgres:// or postgresql:// URL, or a SQLite file path`;
  }
  return undefined;
}

/**
 * Open the store `options.database` names: a `postgres://` / `postgresql://` URL selects
 * PostgreSQL, anything else is a SQLite file path (its folder is created if missing).
 * Does not migrate: call `store.migrate()` (or use `openMigratedStore`). The backend and its
 * driver load here, not on import; a missing `pg` is a `DatabaseDriverMissingError`.
 */
export async function openStore(options: StoreOptions): Promise<Store> {
  const database = options.database.trim();
  const problem = databaseProblem(database);
  if (problem !== undefined) throw new InvalidDatabaseError(problem);
  if (isPostgresUrl(database)) {
    const PostgresStore = await loadPostgresBackend();
    return PostgresStore.open({ ...options, database });
  }
  if (database === ':memory:' || database.startsWith('file:')) {
    throw new InvalidDatabaseError(
      `SQLite database "${database}" is not supported: give a file path (the append thread opens its own connection)`,
    );
  }
  // Else a schema meant for PostgreSQL would be dropped without a word.
  if (options.schema !== undefined) {
    throw new InvalidSchemaError(schemaWithSqliteProblem('the `schema` option', database));
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
