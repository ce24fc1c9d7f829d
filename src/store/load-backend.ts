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

/**
 * better-sqlite3 is installed but its native addon cannot be loaded: never built (npm skipped its
 * install script, or `--ignore-scripts`) or built for another Node.js (`NODE_MODULE_VERSION`).
 */
export class DatabaseDriverNotBuiltError extends WorkosInboxError {
  override readonly name = 'DatabaseDriverNotBuiltError';
  readonly code = 'database_driver_not_built';
  constructor(
    /** The npm package whose addon is unusable, e.g. `better-sqlite3`. */
    readonly driver: string,
    /** What loading it said (Node's message on one line, without its own advice). */
    readonly reason: string,
  ) {
    super(
      `A SQLite database needs the native addon of "${driver}", which cannot be loaded (${reason}). ` +
        `Its install script builds it for the Node.js that runs it: run npm rebuild ${driver} with ` +
        `this Node.js (${process.version}); if npm skips install scripts, allow this one first: ` +
        `npm install-scripts approve ${driver}`,
    );
  }
}

/**
 * The error to throw for a failure of better-sqlite3 to load its addon, or undefined for any other
 * failure (a file that cannot be opened, …).
 */
export function sqliteAddonError(error: unknown): DatabaseDriverNotBuiltError | undefined {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (typeof message !== 'string') return undefined;
  // The `bindings` package's message when no build of the addon exists, and Node's when one exists
  // but does not load (another Node.js's ABI, another platform).
  if (message.startsWith('Could not locate the bindings file')) {
    return new DatabaseDriverNotBuiltError('better-sqlite3', 'it was never built');
  }
  if (code === 'ERR_DLOPEN_FAILED') {
    // Node's message spans lines and ends with advice of its own, which ours replaces.
    const said = message.replace(/\s+/g, ' ').split(' Please try')[0]!.trim().replace(/\.$/, '');
    return new DatabaseDriverNotBuiltError('better-sqlite3', said);
  }
  return undefined;
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
