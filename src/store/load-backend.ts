import type { PostgresStore } from './postgres/postgres-store.js';
import type { SqliteStore } from './sqlite/sqlite-store.js';
import { WorkosInboxError } from '../errors/workos-inbox-error.js';

/** The database driver a store needs is not installed (`pg` is an optional peer dependency). */
export class DatabaseDriverMissingError extends WorkosInboxError {
  override readonly name = 'DatabaseDriverMissingError';
  readonly code = 'database_driver_missing';
  constructor(
    /** The npm package to install, e.g. `pg`. */
    readonly driver: string,
    what: string,
  ) {
    super(
      `${what} needs the "${driver}" package, which is not installed: run npm install ${driver}`,
    );
  }
}

/** Whether `error` says that the package `name` itself (not something inside it) is missing. */
function isMissingPackage(error: unknown, name: string): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return (
    (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') &&
    typeof message === 'string' &&
    message.includes(`'${name}'`)
  );
}

// The backends load when a store is opened, not when the package is imported: code that only
// verifies signatures (or uses workos-inbox/web) never loads a database driver, and a SQLite
// user needs no `pg`.

/** The PostgreSQL backend, loading `pg`. */
export async function loadPostgresBackend(): Promise<typeof PostgresStore> {
  try {
    return (await import('./postgres/postgres-store.js')).PostgresStore;
  } catch (error) {
    if (isMissingPackage(error, 'pg')) {
      throw new DatabaseDriverMissingError('pg', 'A postgres:// database');
    }
    throw error;
  }
}

/** The SQLite backend, loading `better-sqlite3` (a dependency, so normally installed). */
export async function loadSqliteBackend(): Promise<typeof SqliteStore> {
  try {
    return (await import('./sqlite/sqlite-store.js')).SqliteStore;
  } catch (error) {
    if (isMissingPackage(error, 'better-sqlite3')) {
      throw new DatabaseDriverMissingError('better-sqlite3', 'A SQLite database');
    }
    throw error;
  }
}
